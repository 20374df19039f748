package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// The exit codes of dmzmap, for scripts.
const (
	exitOK      = 0
	exitFailure = 1 // the command could not do its work: a file, the database, the network
	exitUsage   = 2 // the command line is wrong
	exitInvalid = 3 // the input was refused: invalid records, or ids already stored; nothing was written
)

// usageError is a command line that is not understood.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitCode is the exit status of the program for run's error.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	}
	switch data.ErrorKind(err) {
	case data.KindInvalid, data.KindConflict:
		return exitInvalid
	}
	return exitFailure
}

// command is a subcommand of dmzmap other than serve.
type command func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"import":      runImport,
	"export":      runExport,
	"validate":    runValidate,
	"backup":      runBackup,
	"restore":     runRestore,
	"check":       runCheck,
	"gen":         runGen,
	"healthcheck": runHealthcheck,
}

// newFlags returns a flag set for the subcommand name whose -h prints the
// synopsis and the flags.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: dmzmap %s\n\nFlags:\n", synopsis)
		flags.PrintDefaults()
	}
	return flags
}

// parse parses args, wanting nargs arguments after the flags; -h is
// errHelp, which run turns into exit code 0.
func parse(flags *flag.FlagSet, args []string, nargs int) error {
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &usageError{err}
	}
	if flags.NArg() != nargs {
		flags.Usage()
		return usagef("%s takes %d argument(s), got %d: %q", flags.Name(), nargs, flags.NArg(), flags.Args())
	}
	return nil
}

// errHelp ends a command whose help was asked for, successfully.
var errHelp = errors.New("help")

// dbFlags adds --db and --db-timeout, with their environment defaults.
func dbFlags(flags *flag.FlagSet, getenv func(string) string) (db *string, timeout *time.Duration) {
	db = flags.String("db", env(getenv, "DMZMAP_DB", "./dmzmap.db"), "database file (env DMZMAP_DB)")
	def, err := time.ParseDuration(env(getenv, "DMZMAP_DB_TIMEOUT", "2s"))
	if err != nil {
		def = 2 * time.Second
	}
	timeout = flags.Duration("db-timeout", def, "how long to wait for a database held by another process (env DMZMAP_DB_TIMEOUT)")
	return db, timeout
}

// tokenFlag adds --token-file and returns the function that reads the
// token: the first line of that file, trimmed, or else DMZMAP_TOKEN.
func tokenFlag(flags *flag.FlagSet, getenv func(string) string) func() (string, error) {
	file := flags.String("token-file", getenv("DMZMAP_TOKEN_FILE"), "file whose first line is the bearer token for writes (env DMZMAP_TOKEN_FILE; else the token itself in env DMZMAP_TOKEN)")
	return func() (string, error) {
		if *file == "" {
			return strings.TrimSpace(getenv("DMZMAP_TOKEN")), nil
		}
		b, err := os.ReadFile(*file)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if line = strings.TrimSpace(line); line == "" {
			return "", fmt.Errorf("--token-file %s: the first line is empty", *file)
		}
		return line, nil
	}
}

// inputFormat returns the import format of file: --format if given, else
// its extension.
func inputFormat(file, format string) (string, error) {
	switch format {
	case data.FormatGeoJSON, data.FormatCSV:
		return format, nil
	case "":
	default:
		return "", usagef("--format %q: want geojson or csv", format)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".geojson", ".json":
		return data.FormatGeoJSON, nil
	case ".csv":
		return data.FormatCSV, nil
	}
	if file == "-" {
		return "", usagef("reading standard input needs --format geojson or --format csv")
	}
	return "", usagef("%s: cannot tell the format from the name (.geojson, .json or .csv): give --format geojson or --format csv", file)
}

// readInput returns the import format of file (see inputFormat) and its
// bytes, read from standard input for -.
func readInput(file, format string) (string, []byte, error) {
	f, err := inputFormat(file, format)
	if err != nil {
		return "", nil, err
	}
	var body []byte
	if file == "-" {
		body, err = io.ReadAll(os.Stdin)
	} else {
		body, err = os.ReadFile(file)
	}
	return f, body, err
}

// reportInvalid prints every bad record of err as FILE:INDEX: field:
// message and returns an error that only sums them up, or err itself if it
// names no record.
func reportInvalid(stderr io.Writer, file string, err error) error {
	var de *data.Error
	if !errors.As(err, &de) || (de.Kind != data.KindInvalid && de.Kind != data.KindConflict) {
		return err
	}
	if file == "-" {
		file = "<stdin>"
	}
	if len(de.Fields) == 0 {
		fmt.Fprintf(stderr, "%s: %s\n", file, de.Message)
	}
	for _, f := range de.Fields {
		if f.Index != nil {
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", file, *f.Index, f.Field, f.Message)
		} else {
			fmt.Fprintf(stderr, "%s: %s: %s\n", file, f.Field, f.Message)
		}
	}
	return &data.Error{Kind: de.Kind, Message: file + ": " + de.Message}
}

// openStore opens an existing database; a database held by the server gets
// a hint of what to do instead.
func openStore(db string, timeout time.Duration, readOnly bool, instead string) (*data.Store, error) {
	if _, err := os.Stat(db); err != nil {
		return nil, fmt.Errorf("no database at %s (set --db or DMZMAP_DB)", db)
	}
	mdl, err := data.LoadMDL()
	if err != nil {
		return nil, err
	}
	st, err := data.Open(db, mdl, data.Options{Timeout: timeout, ReadOnly: readOnly})
	if data.ErrorKind(err) == data.KindUnavailable && instead != "" {
		return nil, fmt.Errorf("%w: is dmzmap serve running? %s", err, instead)
	}
	return st, err
}

// createStore creates a new database for import or gen.
func createStore(db string, timeout time.Duration) (*data.Store, error) {
	mdl, err := data.LoadMDL()
	if err != nil {
		return nil, err
	}
	return data.Open(db, mdl, data.Options{Timeout: timeout})
}
