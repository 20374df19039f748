package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/server"
)

func runValidate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("validate", "validate [--format geojson|csv] FILE|-", stderr)
	format := flags.String("format", "", "geojson or csv (default: from the file's extension; needed for -)")
	if err := parse(flags, args, 1); err != nil {
		return err
	}
	file := flags.Arg(0)
	f, err := inputFormat(file, *format)
	if err != nil {
		return err
	}
	body, err := readInput(file)
	if err != nil {
		return err
	}
	mdl, err := data.LoadMDL()
	if err != nil {
		return err
	}
	n, err := server.ValidateImport(mdl, body, f)
	if err != nil {
		return reportInvalid(stderr, file, err)
	}
	fmt.Fprintf(stderr, "%s: %d incidents, all valid\n", file, n)
	return nil
}
