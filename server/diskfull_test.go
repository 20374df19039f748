package server

import (
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// smallDisk mounts a tmpfs of size (such as "20m") on a new directory and
// unmounts it when the test ends, failed or not.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %s tmpfs on %s (tests that fill a disk need root): %v: %s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the disk is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last bytes
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return path
}

// TestDiskFull fills the disk under a running server: a write is a 503
// problem that says so, /readyz is 503 while writes fail, reads go on, and
// once space is freed the next write succeeds and /readyz is ready again.
func TestDiskFull(t *testing.T) {
	dir := smallDisk(t, "20m")
	mdl := loadMDL(t)
	store, err := data.Open(filepath.Join(dir, "d.db"), mdl, data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Import(fixture(mdl), data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	s := New(store, mdl, slog.New(slog.NewTextHandler(logs, nil)), Config{Token: hostileToken})
	s.now = func() time.Time { return testNow }
	addr := "http://" + listen(t, s)
	post := func(id string) response {
		t.Helper()
		req, _ := http.NewRequest("POST", addr+"/api/incidents", strings.NewReader(with(`"id":"2017-11-13-hostile"`, `"id":"`+id+`"`)))
		req.Header.Set("Authorization", "Bearer "+hostileToken)
		req.Header.Set("Content-Type", data.ContentTypeGeoJSON)
		req.Header.Set("X-Change-Reason", strings.Repeat("a long reason to make the history grow ", 10))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return response{res.StatusCode, res.Header, []byte(b.String())}
	}
	if r := post("2017-11-13-before-full"); r.status != http.StatusCreated {
		t.Fatalf("a write before the disk is full: %d %s", r.status, r.body)
	}
	filler := fill(t, dir)
	refused := 0
	for i := range 20 {
		r := post("2017-11-13-full-" + string(rune('a'+i)))
		if r.status == http.StatusCreated {
			continue
		}
		refused++
		if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "full") {
			t.Fatalf("a write on a full disk: %d %s, want a 503 that says the disk is full", r.status, r.body)
		}
		break
	}
	if refused == 0 {
		t.Fatalf("20 writes on a full disk all succeeded")
	}
	if r := getWith(t, addr+"/readyz"); r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "full") {
		t.Errorf("/readyz while writes fail: %d %s, want 503", r.status, r.body)
	}
	if r := getWith(t, addr+"/api/incidents/2017-11-13-before-full"); r.status != http.StatusOK {
		t.Errorf("a read on a full disk: %d", r.status)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if r := post("2017-11-13-after-full"); r.status != http.StatusCreated {
		t.Fatalf("a write once space is freed: %d %s", r.status, r.body)
	}
	if r := getWith(t, addr+"/readyz"); r.status != http.StatusOK {
		t.Errorf("/readyz after a write succeeded: %d %s", r.status, r.body)
	}
	if err := store.Check(); err != nil {
		t.Errorf("Check after the full disk: %v", err)
	}
}
