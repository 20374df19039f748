package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

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
			err = data.CheckDatabase(tmp.Name(), "backup", time.Second)
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
