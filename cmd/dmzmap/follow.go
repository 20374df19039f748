package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/dmzmap/dmzmap/server"
)

// follower keeps a replica's copy of the primary's database current:
// every interval it asks the primary's /readyz for its change counter and,
// when that moved, fetches /api/backup into a file beside the copy,
// checks it and swaps it in while requests go on.
type follower struct {
	primary  string
	token    func() (string, error)
	db       string
	interval time.Duration
	timeout  time.Duration
	mdl      *geo.MDL
	log      *slog.Logger
	client   *http.Client

	replica *data.Replica

	mu     sync.Mutex
	status server.ReplicaStatus
}

func newFollower(primary string, token func() (string, error), db string, interval, timeout time.Duration, mdl *geo.MDL, log *slog.Logger) *follower {
	primary = strings.TrimSuffix(primary, "/")
	return &follower{
		primary: primary, token: token, db: db, interval: interval, timeout: timeout, mdl: mdl, log: log,
		client: &http.Client{Timeout: 10 * time.Minute},
		status: server.ReplicaStatus{Primary: primary},
	}
}

// open opens the local copy, fetching the first one if there is none yet.
func (f *follower) open(ctx context.Context) error {
	if _, err := os.Stat(f.db); errors.Is(err, os.ErrNotExist) {
		f.log.Info("replica: fetching a first copy", "primary", f.primary, "db", f.db)
		tmp, err := f.fetch(ctx)
		if err != nil {
			return fmt.Errorf("replica of %s: the first copy: %w", f.primary, err)
		}
		if err := data.CheckCopy(tmp, f.timeout); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("replica of %s: the first copy: %w", f.primary, err)
		}
		if err := os.Rename(tmp, f.db); err != nil {
			return err
		}
	}
	r, err := data.OpenReplica(f.db, f.mdl, f.timeout)
	if err != nil {
		return err
	}
	f.replica = r
	f.mu.Lock()
	f.status.Copied = r.Copied()
	f.mu.Unlock()
	return nil
}

// Status is the replica's state for /readyz.
func (f *follower) Status() server.ReplicaStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// run follows the primary until ctx ends.
func (f *follower) run(ctx context.Context) {
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		if err := f.once(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("replica: following the primary", "primary", f.primary, "err", err)
			f.mu.Lock()
			f.status.LastError = err.Error()
			f.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// once compares the primary's change counter with the copy's and, when
// they differ, replaces the copy.
func (f *follower) once(ctx context.Context) error {
	theirs, err := f.primaryChanges(ctx)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.status.Checked = time.Now()
	f.status.LastError = ""
	f.mu.Unlock()
	ours, err := f.replica.Version()
	if err != nil {
		return err
	}
	if ours.Changes == theirs {
		return nil
	}
	tmp, err := f.fetch(ctx)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // gone already once Replace moved it
	if err := f.replica.Replace(tmp); err != nil {
		return err
	}
	v, _ := f.replica.Version()
	f.mu.Lock()
	f.status.Copied = f.replica.Copied()
	f.mu.Unlock()
	f.log.Info("replica: copy replaced", "primary", f.primary, "changes", v.Changes)
	return nil
}

// primaryChanges returns the primary's change counter, from its /readyz.
func (f *follower) primaryChanges(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.primary+"/readyz", nil)
	if err != nil {
		return 0, err
	}
	res, err := f.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var ready struct {
		Changes *uint64 `json:"changes"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&ready); err != nil || res.StatusCode != http.StatusOK || ready.Changes == nil {
		return 0, fmt.Errorf("GET %s/readyz: %s, not a ready dmzmap", f.primary, res.Status)
	}
	return *ready.Changes, nil
}

// fetch copies the primary's /api/backup to a new file beside the copy
// and returns its name.
func (f *follower) fetch(ctx context.Context) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(f.db), ".dmzmap-follow-*")
	if err != nil {
		return "", err
	}
	err = fetchBackup(ctx, f.primary, f.token, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
