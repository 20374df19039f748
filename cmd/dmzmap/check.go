package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// runCheck runs bbolt's full consistency check (every page) over the
// database, read-only: exit 0 when it is whole, 1 when it is damaged.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("check", "check [--db FILE]", stderr)
	db, timeout := dbFlags(flags, getenv)
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	start := time.Now()
	n, err := data.CheckFile(*db, data.Options{Timeout: *timeout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is whole: %d incidents, every page checked in %s\n", *db, n, time.Since(start).Round(time.Millisecond))
	return nil
}
