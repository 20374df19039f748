package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
)

func runValidate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("validate", "validate [--format geojson|csv] [--strict] FILE|-", stderr)
	format := flags.String("format", "", "geojson or csv (default: from the file's extension; needed for -)")
	strict := flags.Bool("strict", false, "also apply the rules of a published dataset (data.CheckStrict): https sources that are not search pages, the Korean fields, distinct_from between incidents of the same day and place, a precision of at least 50 m, fronts named in the text that agree with the computed sector, and a dataset version")
	if err := parse(flags, args, 1); err != nil {
		return err
	}
	file := flags.Arg(0)
	f, body, err := readInput(file, *format)
	if err != nil {
		return err
	}
	mdl, err := data.LoadMDL()
	if err != nil {
		return err
	}
	var n int
	switch {
	case !*strict:
		n, err = data.ValidateImport(mdl, body, f)
	case f == data.FormatGeoJSON:
		n, err = data.ValidateStrict(body, mdl)
	default:
		n, err = validateCSVStrict(mdl, body)
	}
	if err != nil {
		return reportInvalid(stderr, file, err)
	}
	if *strict {
		fmt.Fprintf(stderr, "%s: %d incidents, all valid under the strict rules\n", file, n)
		return nil
	}
	fmt.Fprintf(stderr, "%s: %d incidents, all valid\n", file, n)
	return nil
}

// validateCSVStrict validates a CSV and applies data.CheckStrict to its
// incidents; a refusal's index is then the row number, counting the header
// as row 1 and no blank rows.
func validateCSVStrict(mdl *geo.MDL, body []byte) (int, error) {
	ins, err := data.DecodeCSV(bytes.NewReader(body), mdl)
	if err != nil {
		return 0, err
	}
	if err := data.CheckStrict(ins, mdl); err != nil {
		var de *data.Error
		if errors.As(err, &de) {
			for i := range de.Fields {
				row := *de.Fields[i].Index + 2
				de.Fields[i].Index = &row
			}
		}
		return len(ins), err
	}
	return len(ins), nil
}
