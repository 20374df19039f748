package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dmzmap/dmzmap/data"
)

func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("restore", "restore [--db FILE] IN.db", stderr)
	db, timeout := dbFlags(flags, getenv)
	if err := parse(flags, args, 1); err != nil {
		return err
	}
	in := flags.Arg(0)
	if _, err := os.Stat(in); err != nil {
		return err
	}
	_, statErr := os.Stat(*db)
	err := data.Restore(in, *db, *timeout)
	if data.ErrorKind(err) == data.KindUnavailable {
		return fmt.Errorf("%w: stop dmzmap serve first, then restore", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "restored %s from %s", *db, in)
	if statErr == nil {
		fmt.Fprintf(stderr, "; the database it replaced is %s.before-restore", *db)
	}
	fmt.Fprintln(stderr)
	return nil
}
