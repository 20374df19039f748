package server

import (
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// TestDamageWhileServing damages the database file under a running server:
// each request that meets the damage is a 500 problem logged once, /readyz
// turns 503 and stays so, and the process goes on answering.
func TestDamageWhileServing(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"truncated to its meta pages", func(t *testing.T, path string) {
			if err := os.Truncate(path, 2*4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"pages overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			noise := []byte(strings.Repeat("\xff\x7f\x00\x13", int(st.Size()-2*4096)/4))
			if _, err := f.WriteAt(noise, 2*4096); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, store, logs := newConfigServer(t, Config{}, fixture(loadMDL(t)))
			addr := "http://" + listen(t, s)
			if r := getWith(t, addr+"/readyz"); r.status != http.StatusOK {
				t.Fatalf("/readyz before the damage: %d", r.status)
			}
			tc.damage(t, store.Path())
			damaged := 0
			for _, path := range []string{"/api/incidents/2017-11-13-jsa", "/api/incidents?year=2017", "/api/crossings", "/api/incidents/1978-10-17-tunnel/history"} {
				before := strings.Count(logs.String(), "level=ERROR")
				r := getWith(t, addr+path)
				if r.status == http.StatusOK {
					continue
				}
				damaged++
				if r.status != http.StatusInternalServerError || r.header.Get("Content-Type") != ContentTypeProblem {
					t.Errorf("GET %s on a damaged file: %d %s, want a 500 problem", path, r.status, r.header.Get("Content-Type"))
				}
				if n := strings.Count(logs.String(), "level=ERROR") - before; n != 1 {
					t.Errorf("GET %s: %d error lines, want 1:\n%s", path, n, logs)
				}
			}
			if damaged == 0 {
				t.Fatalf("no request met the damage")
			}
			for range 2 {
				r := getWith(t, addr+"/readyz")
				if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "damaged") {
					t.Errorf("/readyz after damage was found: %d %s, want 503 naming the damage", r.status, r.body)
				}
			}
			if r := getWith(t, addr+"/healthz"); r.status != http.StatusOK {
				t.Errorf("/healthz after the damage: %d: the process did not go on", r.status)
			}
			if !strings.Contains(logs.String(), "damaged") {
				t.Errorf("the log does not name the damage:\n%s", logs)
			}
		})
	}
}

// streamPanicStore panics in Query, which the export calls from its body
// stream, after the handler has returned.
type streamPanicStore struct{ failingStore }

func (streamPanicStore) Query(data.Filter, func([]byte) error) (data.Result, error) {
	panic("boom in the export stream")
}

// TestExportStreamPanicRecovered: a panic while the export's body is
// streamed is recovered and logged once, with its stack, like a handler's,
// and the server goes on serving.
func TestExportStreamPanicRecovered(t *testing.T) {
	logs := &lockedBuffer{}
	s := New(streamPanicStore{}, loadMDL(t), slog.New(slog.NewTextHandler(logs, nil)), Config{})
	addr := "http://" + listen(t, s)
	for _, path := range []string{"/api/export.geojson", "/api/export.csv", "/api/export.kml"} {
		res, err := http.Get(addr + path)
		if err == nil {
			res.Body.Close()
		}
	}
	if n := strings.Count(logs.String(), "boom in the export stream"); n != 3 {
		t.Errorf("the panic was logged %d times for 3 exports, want 3:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "goroutine") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the panic was not logged as an error with its stack:\n%s", logs)
	}
	if r := getWith(t, addr+"/healthz"); r.status != http.StatusOK {
		t.Errorf("/healthz after the panics: %d", r.status)
	}
}
