package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// syncBuffer is a log that the program writes and the test reads at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs the program on a random port and returns its address once
// /healthz answers, and a channel with run's result.
func start(t *testing.T, ctx context.Context, args []string, getenv func(string) string) (string, <-chan error, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, io.Discard, logs) }()
	deadline := time.Now().Add(20 * time.Second)
	var addr string
	for addr == "" {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run ended before listening: %v\n%s", err, logs)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line in the log:\n%s", logs)
		}
	}
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return addr, done, logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered 200: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dmzmap.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, logs := start(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, envOf(nil))

	mdl, err := data.LoadMDL()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := data.SeedIncidents(mdl)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/api/incidents")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type          string            `json:"type"`
		Features      []json.RawMessage `json:"features"`
		NumberMatched int               `json:"numberMatched"`
	}
	err = json.NewDecoder(res.Body).Decode(&fc)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Header.Get("Content-Type") != data.ContentTypeGeoJSON || fc.Type != "FeatureCollection" || fc.NumberMatched != len(seed) || len(fc.Features) != len(seed) {
		t.Errorf("/api/incidents: %s, a %s of %d features, numberMatched %d; want the %d seed incidents",
			res.Header.Get("Content-Type"), fc.Type, len(fc.Features), fc.NumberMatched, len(seed))
	}
	res, err = http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /: %d %s, want the page", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// A second server on the same database fails fast, named by the env.
	began := time.Now()
	err = run(context.Background(), nil, envOf(map[string]string{
		"DMZMAP_DB": db, "DMZMAP_ADDR": "127.0.0.1:0", "DMZMAP_DB_TIMEOUT": "100ms",
	}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "is in use by another process") {
		t.Errorf("second run: %v, want the in-use error", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("second run took %v to fail", took)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("no stopped line in the log:\n%s", logs)
	}

	// Closed cleanly: the file opens at once and holds the seed.
	store, err := data.Open(db, mdl, data.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer store.Close()
	if n, err := store.Count(); err != nil || n != len(seed) {
		t.Errorf("Count() = %d, %v; want %d", n, err, len(seed))
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--nope"}, nil, "flag provided but not defined"},
		{"stray argument", []string{"serve", "extra"}, nil, "serve takes no arguments"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "want text or json"},
		{"bad timeout env", nil, map[string]string{"DMZMAP_DB_TIMEOUT": "soon"}, "DMZMAP_DB_TIMEOUT"},
		{"negative write rate", []string{"--write-rate", "-1"}, nil, "--write-rate -1"},
		{"bad embed origins", []string{"--embed-origins", "https://a.example;script-src *"}, nil, "--embed-origins"},
		{"bad embed origins env", nil, map[string]string{"DMZMAP_EMBED_ORIGINS": "'none' https://a.example"}, "--embed-origins"},
		{"bad write rate env", nil, map[string]string{"DMZMAP_WRITE_RATE": "lots"}, "DMZMAP_WRITE_RATE"},
		{"bad address", []string{"--addr", "256.0.0.1:0", "--db", filepath.Join(dir, "a.db")}, nil, "256.0.0.1"},
		{"database in a missing directory", []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "no", "such", "dir", "x.db")}, nil, "cannot open database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, envOf(tc.env), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error holding %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, envOf(nil), &out, io.Discard); err != nil || !strings.Contains(out.String(), "serve") {
		t.Errorf("help: %v, %q", err, out.String())
	}
	var usage bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, envOf(nil), io.Discard, &usage); err != nil || !strings.Contains(usage.String(), "DMZMAP_DB") {
		t.Errorf("serve -h: %v, %q", err, usage.String())
	}
}
