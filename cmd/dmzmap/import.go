package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dmzmap/dmzmap/data"
)

const importSynopsis = "import [--db FILE] [--mode create|upsert] [--dry-run] [--reason TEXT] [--format geojson|csv] FILE|-"

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("import", importSynopsis, stderr)
	db, timeout := dbFlags(flags, getenv)
	mode := flags.String("mode", "create", "create (refuse ids already stored) or upsert (create or replace by id)")
	dryRun := flags.Bool("dry-run", false, "check everything, write nothing")
	reason := flags.String("reason", "", `the reason kept in each incident's history (default "dmzmap import FILE")`)
	format := flags.String("format", "", "geojson or csv (default: from the file's extension; needed for -)")
	if err := parse(flags, args, 1); err != nil {
		return err
	}
	file := flags.Arg(0)
	opt := data.ImportOptions{Mode: data.Mode(*mode), DryRun: *dryRun, Reason: *reason}
	if opt.Mode != data.ModeCreate && opt.Mode != data.ModeUpsert {
		return usagef("--mode %q: want create or upsert", *mode)
	}
	if opt.Reason == "" {
		opt.Reason = "dmzmap import " + filepath.Base(file)
		if r := []rune(opt.Reason); len(r) > 200 {
			opt.Reason = string(r[:200])
		}
	}
	f, body, err := readInput(file, *format)
	if err != nil {
		return err
	}
	var st *data.Store
	if _, err = os.Stat(*db); errors.Is(err, fs.ErrNotExist) {
		st, err = createStore(*db, *timeout)
	} else {
		st, err = openStore(*db, *timeout, false, "import through it: POST /api/import")
	}
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.ImportFile(body, f, opt)
	if err != nil {
		return reportInvalid(stderr, file, err)
	}
	if res.DryRun {
		fmt.Fprintf(stderr, "dry run: %s would create %d and update %d incidents in %s; nothing was written\n", file, res.Created, res.Updated, *db)
	} else {
		fmt.Fprintf(stderr, "imported %s: created %d and updated %d incidents in %s\n", file, res.Created, res.Updated, *db)
	}
	return nil
}
