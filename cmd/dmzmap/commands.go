package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/dmzmap/dmzmap/server"
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
	"import":   runImport,
	"export":   runExport,
	"validate": runValidate,
	"backup":   runBackup,
	"restore":  runRestore,
	"gen":      runGen,
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
	case server.FormatGeoJSON, server.FormatCSV:
		return format, nil
	case "":
	default:
		return "", usagef("--format %q: want geojson or csv", format)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".geojson", ".json":
		return server.FormatGeoJSON, nil
	case ".csv":
		return server.FormatCSV, nil
	}
	if file == "-" {
		return "", usagef("reading standard input needs --format geojson or --format csv")
	}
	return "", usagef("%s: cannot tell the format from the name (.geojson, .json or .csv): give --format geojson or --format csv", file)
}

func readInput(file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(file)
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
	f, err := inputFormat(file, *format)
	if err != nil {
		return err
	}
	body, err := readInput(file)
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
	res, err := server.Import(st, st.MDL(), body, f, opt)
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

// createStore creates a new database for import or gen.
func createStore(db string, timeout time.Duration) (*data.Store, error) {
	mdl, err := data.LoadMDL()
	if err != nil {
		return nil, err
	}
	return data.Open(db, mdl, data.Options{Timeout: timeout})
}

const exportSynopsis = "export [--db FILE] [--format geojson|csv|kml] [--year Y | --from Y --to Y] [--type T,…] [--direction D,…] [--sector S,…] [--bbox W,S,E,N] [--q WORDS] > OUT"

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("export", exportSynopsis, stderr)
	db, timeout := dbFlags(flags, getenv)
	format := flags.String("format", "geojson", "geojson, csv or kml")
	filters := []struct{ name, help string }{
		{"year", "one year, like 2017"},
		{"from", "the first year"},
		{"to", "the last year"},
		{"type", "types, comma-separated: crossing, incursion, infiltration, shooting, tunnel, landmine, abduction, other"},
		{"direction", "directions, comma-separated: north_to_south, south_to_north, none"},
		{"sector", "sectors, comma-separated: western, central, eastern, jsa"},
		{"bbox", "minLon,minLat,maxLon,maxLat"},
		{"q", "words that must all appear in the title or summary"},
	}
	for _, f := range filters {
		flags.String(f.name, "", f.help)
	}
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	params := url.Values{}
	flags.Visit(func(f *flag.Flag) {
		for _, name := range filters {
			if f.Name == name.name {
				params.Set(f.Name, f.Value.String())
			}
		}
	})
	filter, err := server.ParseFilter("dmzmap export", params, time.Now().Year())
	if err != nil {
		return usagef("%v", err)
	}
	switch *format {
	case "geojson", "csv", "kml":
	default:
		return usagef("--format %q: want geojson, csv or kml", *format)
	}
	st, err := openStore(*db, *timeout, true, "export through it: GET /api/export."+*format)
	if err != nil {
		return err
	}
	defer st.Close()
	w := bufio.NewWriterSize(stdout, 64<<10)
	if err := server.WriteExport(w, st, filter, *format); err != nil {
		return err
	}
	return w.Flush()
}

func runValidate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("validate", "validate [--format geojson|csv] [--strict] FILE|-", stderr)
	format := flags.String("format", "", "geojson or csv (default: from the file's extension; needed for -)")
	strict := flags.Bool("strict", false, "also apply the rules of a published dataset (data.CheckStrict): https sources that are not search pages, the Korean fields, distinct_from between incidents of the same day and place, a precision of at least 50 m, fronts named in the text that agree with the computed sector, and a dataset version")
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
	var n int
	switch {
	case !*strict:
		n, err = server.ValidateImport(mdl, body, f)
	case f == server.FormatGeoJSON:
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

const backupSynopsis = "backup [--db FILE] [--server URL] [--token-file FILE] OUT.db|-"

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("backup", backupSynopsis, stderr)
	db, timeout := dbFlags(flags, getenv)
	srv := flags.String("server", env(getenv, "DMZMAP_SERVER", "http://127.0.0.1:8080"), "the server to fetch /api/backup from when it holds the database (env DMZMAP_SERVER)")
	token := tokenFlag(flags, getenv)
	if err := parse(flags, args, 1); err != nil {
		return err
	}
	out := flags.Arg(0)
	dir := filepath.Dir(out)
	if out == "-" {
		dir = ""
	}
	tmp, err := os.CreateTemp(dir, ".dmzmap-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	via := *db
	st, err := openStore(*db, *timeout, true, "")
	switch {
	case err == nil:
		_, err = st.Backup(tmp)
		st.Close()
	case data.ErrorKind(err) == data.KindUnavailable:
		fmt.Fprintf(stderr, "%s is held by another process: fetching the backup from %s\n", *db, *srv)
		via = *srv
		err = fetchBackup(ctx, *srv, token, tmp)
		if err == nil {
			err = checkBackup(tmp.Name())
		}
	}
	if err == nil {
		err = tmp.Close()
	}
	if err != nil {
		return err
	}
	if out == "-" {
		f, err := os.Open(tmp.Name())
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(stdout, f)
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fi, _ := os.Stat(out)
	fmt.Fprintf(stderr, "backup of %s written to %s (%d bytes)\n", via, out, fi.Size())
	return nil
}

// fetchBackup copies GET /api/backup of the server at base to w.
func fetchBackup(ctx context.Context, base string, token func() (string, error), w io.Writer) error {
	tok, err := token()
	if err != nil {
		return err
	}
	if tok == "" {
		return errors.New("no token to fetch the backup with: set DMZMAP_TOKEN or --token-file, as for the server")
	}
	u := strings.TrimSuffix(base, "/") + "/api/backup"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return usagef("--server %q: %v", base, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetching the backup: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var p struct{ Detail string }
		json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&p)
		return fmt.Errorf("GET %s: %s: %s", u, res.Status, p.Detail)
	}
	if _, err := io.Copy(w, res.Body); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// checkBackup opens a database copy and runs bbolt's consistency check.
func checkBackup(path string) error {
	st, err := data.Open(path, nil, data.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("the backup does not open: %w", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		return fmt.Errorf("the backup is damaged: %w", err)
	}
	return nil
}

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

func runGen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("gen", "gen --db FILE [--n 100000] [--seed 42]", stderr)
	db := flags.String("db", "", "database file to fill with synthetic incidents; required, never the env default")
	n := flags.Int("n", 100000, "how many incidents")
	seed := flags.Uint64("seed", 42, "the seed: the same seed gives the same incidents")
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	if *db == "" {
		return usagef("gen needs --db FILE: synthetic incidents never go to the default database")
	}
	if *n < 1 || *n > 10_000_000 {
		return usagef("--n %d: want 1 to 10000000", *n)
	}
	st, err := createStore(*db, 2*time.Second)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddSynthetic(ctx, *n, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d synthetic incidents (seed %d) to %s\n", *n, *seed, *db)
	return nil
}
