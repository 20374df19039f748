package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// openBackup writes b to a file and opens it as a database, after bbolt's
// consistency check.
func openBackup(t *testing.T, b []byte) *data.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := data.Open(path, nil, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Check(); err != nil {
		t.Fatalf("the backup fails the check: %v", err)
	}
	return st
}

func TestBackup(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
	r := call(t, s, "GET", "/api/backup", "", auth...)
	if r.status != 200 {
		t.Fatalf("status %d; body %s", r.status, r.body)
	}
	for h, want := range map[string]string{
		"Content-Type":        "application/octet-stream",
		"Content-Disposition": `attachment; filename="dmzmap-20261125-120000.db"`,
		"Cache-Control":       "no-store",
		"Content-Length":      fmt.Sprint(len(r.body)),
	} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s %q, want %q", h, got, want)
		}
	}
	b := openBackup(t, r.body)
	n, _ := b.Count()
	if want, _ := store.Count(); n != want {
		t.Errorf("the backup holds %d incidents, want %d", n, want)
	}
	got, err := b.Feature("2017-11-13-jsa")
	want, _ := store.Feature("2017-11-13-jsa")
	if err != nil || string(got) != string(want) {
		t.Errorf("the backup's 2017-11-13-jsa is %s, %v; want %s", got, err, want)
	}
	if revs, err := b.History("2017-11-13-jsa"); err != nil || len(revs) != 1 {
		t.Errorf("the backup's history: %v, %v; want one revision", revs, err)
	}
}

// TestBackupUnderWrites takes a backup through a real listener while
// clients keep creating incidents, and checks that it holds every one
// acknowledged before the backup was asked for.
func TestBackupUnderWrites(t *testing.T) {
	s, _, _ := newWriteServer(t, testToken, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Listen(ln) }()
	client := &http.Client{Timeout: 10 * time.Second}
	defer func() {
		client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Listen: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	send := func(method, target, body string) (*http.Response, []byte, error) {
		req, err := http.NewRequest(method, base+target, strings.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", data.ContentTypeGeoJSON)
		res, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res, b, err
	}

	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("2017-11-13-load-%d-%d", w, i)
				res, body, err := send("POST", "/api/incidents", withID(id))
				if err != nil || res.StatusCode != http.StatusCreated {
					t.Errorf("POST %s: %v %v %s", id, err, res, body)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	waitFor := func(n int) []string {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), acked...)
	}
	before := waitFor(40)
	res, backup, err := send("GET", "/api/backup", "")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /api/backup: %v %v", err, res)
	}
	close(stop)
	wg.Wait()
	during := waitFor(0)

	b := openBackup(t, backup)
	var missing []string
	for _, id := range before {
		if _, err := b.Feature(id); err != nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the backup lacks %d of the %d writes acknowledged before it began: %v", len(missing), len(before), missing)
	}
	n, _ := b.Count()
	t.Logf("%d writes acknowledged before the backup, %d in it, %d by the end", len(before), n, len(during))
}
