//go:build unix

package main

import (
	"bytes"
	binenc "encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
)

// The tests in this file damage the database file of the real program, at
// rest and under a running server, and fill its disk: the program names the
// damage and never panics, dumps goroutines or dies of a signal.

const boltPage = 4096

// seededDB writes a database holding the seed into dir and returns its path
// and bytes.
func seededDB(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	path := filepath.Join(dir, "seeded.db")
	s := datatest.OpenFile(t, path)
	if _, err := s.SeedIfEmpty(func() ([]*data.Incident, error) { return data.SeedIncidents(s.MDL()) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// crashSigns are what a Go program writes when it dies: a panic, a
// goroutine dump, a fatal error or a fatal signal. (A message naming
// damage may quote bbolt's own "panic: assertion failed", mid-line.)
var crashSigns = regexp.MustCompile(`(?m)^(panic: |goroutine \d+ \[|fatal error: |\[signal |SIGBUS|SIGSEGV)`)

// noCrash fails the test if stderr shows that the program died.
func noCrash(t *testing.T, what, stderr string) {
	t.Helper()
	if m := crashSigns.FindString(stderr); m != "" {
		t.Errorf("%s: stderr shows %q:\n%.3000s", what, m, stderr)
	}
}

// usedPages is the high water mark of a bbolt file: the pages its newest
// meta page counts.
func usedPages(b []byte) int {
	hw := func(page []byte) int { return int(binenc.LittleEndian.Uint64(page[16+40:])) }
	return max(hw(b), hw(b[boltPage:]))
}

// TestDamagedFileAtStart: serve, check and restore of a damaged file each
// refuse it with a message that names it and the exit code the README
// says, and restore keeps the database it would have replaced.
func TestDamagedFileAtStart(t *testing.T) {
	dir := t.TempDir()
	_, orig := seededDB(t, dir)
	pages := usedPages(orig)
	rng := rand.New(rand.NewPCG(7, 2026))
	noise := func(b []byte, from, to int) {
		for i := from; i < to; i++ {
			b[i] = byte(rng.Uint32())
		}
	}
	cases := []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"truncated by its last used page", func(b []byte) []byte { return b[:(pages-1)*boltPage] }},
		{"truncated to 100 bytes", func(b []byte) []byte { return b[:100] }},
		{"meta pages overwritten", func(b []byte) []byte { noise(b, 0, 2*boltPage); return b }},
		{"every data page overwritten", func(b []byte) []byte { noise(b, 2*boltPage, pages*boltPage); return b }},
		{"page headers zeroed", func(b []byte) []byte {
			for p := 2; p < pages; p++ {
				clear(b[p*boltPage : p*boltPage+16])
			}
			return b
		}},
	}
	target := filepath.Join(dir, "target.db")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.db")
			if err := os.WriteFile(bad, tc.damage(append([]byte(nil), orig...)), 0o600); err != nil {
				t.Fatal(err)
			}
			env := childEnv()
			c := startChild(t, env, "serve", "--addr", "127.0.0.1:0", "--db", bad)
			st := c.wait(t, 10*time.Second)
			if st.ExitCode() != exitFailure || !strings.Contains(c.stderr.String(), "damaged") || !strings.Contains(c.stderr.String(), bad) {
				t.Errorf("serve of a damaged file: %v, want exit 1 naming the file as damaged\nstderr:\n%s", st, c.stderr)
			}
			noCrash(t, "serve", c.stderr.String())

			code, stderr, _ := runChild(t, env, "check", "--db", bad)
			if code != exitFailure || !strings.Contains(stderr, "damaged") {
				t.Errorf("check of a damaged file: exit %d, want 1 naming the damage\nstderr:\n%s", code, stderr)
			}
			noCrash(t, "check", stderr)

			if err := os.WriteFile(target, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			code, stderr, _ = runChild(t, env, "restore", "--db", target, bad)
			if code != exitInvalid || !strings.Contains(stderr, "damaged") {
				t.Errorf("restore of a damaged backup: exit %d, want 3 naming the damage\nstderr:\n%s", code, stderr)
			}
			noCrash(t, "restore", stderr)
			if kept, _ := os.ReadFile(target); !bytes.Equal(kept, orig) {
				t.Errorf("restore of a damaged backup changed the database it would replace")
			}
			if _, err := os.Stat(target + ".before-restore"); err == nil {
				t.Errorf("restore of a damaged backup moved the database aside")
			}
		})
	}
	// Flipped bytes: the program opens the file or refuses it, and then
	// answers or names the damage; it never crashes.
	t.Run("flipped bytes", func(t *testing.T) {
		for round := range 6 {
			b := append([]byte(nil), orig...)
			for range 8 {
				b[2*boltPage+rng.IntN(pages*boltPage-2*boltPage)] ^= byte(1 + rng.IntN(255))
			}
			bad := filepath.Join(t.TempDir(), "flipped.db")
			os.WriteFile(bad, b, 0o600)
			code, stderr, _ := runChild(t, childEnv(), "check", "--db", bad)
			if code != exitOK && code != exitFailure {
				t.Errorf("round %d: check exit %d", round, code)
			}
			noCrash(t, "check of flipped bytes", stderr)
			code, stderr, _ = runChild(t, childEnv(), "export", "--db", bad, "--format", "csv")
			noCrash(t, "export of flipped bytes", stderr)
			if code != exitOK && code != exitFailure {
				t.Errorf("round %d: export exit %d\n%s", round, code, stderr)
			}
		}
	})
	// The intact file checks whole.
	good := filepath.Join(t.TempDir(), "good.db")
	os.WriteFile(good, orig, 0o600)
	if code, stderr, _ := runChild(t, childEnv(), "check", "--db", good); code != exitOK {
		t.Errorf("check of the intact file: exit %d\n%s", code, stderr)
	}
}

// get returns the status and body of GET url.
func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestDamageUnderTheServer truncates or overwrites the file under a
// running server, one of them in the middle of an export: the requests
// that meet the damage fail (a 500 problem, or the export cut short), each
// logged once, /readyz turns 503, and the process goes on and stops
// cleanly on SIGTERM.
func TestDamageUnderTheServer(t *testing.T) {
	src := datatest.SyntheticDB(t, 20000)
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	pages := usedPages(orig)
	for _, tc := range []struct {
		name   string
		damage func(f *os.File)
	}{
		{"truncated", func(f *os.File) { f.Truncate(3 * boltPage) }},
		{"pages overwritten", func(f *os.File) {
			f.WriteAt(bytes.Repeat([]byte{0xff, 0x13}, (pages-3)*boltPage/2), 3*boltPage)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.db")
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			c, addr := serveChild(t, childEnv(), "--db", path)
			base := "http://" + addr

			// An export read slowly, damaged in its middle.
			res, err := http.Get(base + "/api/export.geojson")
			if err != nil {
				t.Fatal(err)
			}
			head := make([]byte, 64<<10)
			if _, err := io.ReadFull(res.Body, head); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			tc.damage(f)
			f.Close()
			rest, _ := io.ReadAll(res.Body)
			res.Body.Close()
			whole := append(head, rest...)
			if len(whole) > 10<<20 && bytes.HasSuffix(bytes.TrimSpace(whole), []byte("}")) {
				t.Logf("the export of %d bytes finished before it met the damage", len(whole))
			}

			failed := 0
			for _, p := range []string{"/api/incidents?limit=50", "/api/incidents?year=1990", "/api/crossings?limit=50", "/api/incidents?bbox=126,37,129,39&limit=20"} {
				code, body := getStatus(t, base+p)
				if code == http.StatusOK {
					continue
				}
				failed++
				if code != http.StatusInternalServerError || !strings.Contains(body, `"internal error"`) {
					t.Errorf("GET %s on a damaged file: %d %s, want a 500 problem", p, code, body)
				}
			}
			t.Logf("the export stopped after %d bytes; %d of 4 requests met the damage", len(whole), failed)
			if failed == 0 {
				t.Errorf("no request met the damage")
			}
			code, body := getStatus(t, base+"/readyz")
			if code != http.StatusServiceUnavailable || !strings.Contains(body, "damaged") {
				t.Errorf("/readyz after the damage: %d %s, want 503 naming it", code, body)
			}
			if code, _ := getStatus(t, base+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz after the damage: %d", code)
			}
			c.cmd.Process.Signal(syscall.SIGTERM)
			st := c.wait(t, 20*time.Second)
			stderr := c.stderr.String()
			noCrash(t, "serve", stderr)
			if st.Sys().(syscall.WaitStatus).Signaled() {
				t.Errorf("the server died of a signal: %v", st)
			}
			if errs := strings.Count(stderr, "level=ERROR"); errs < failed || errs > failed+2 {
				t.Errorf("%d error lines for %d failed requests and one export: each logged once, want %d to %d\n%.4000s",
					errs, failed, failed, failed+2, stderr)
			}
			if !strings.Contains(stderr, "damaged") {
				t.Errorf("the log does not name the damage:\n%.3000s", stderr)
			}
		})
	}
}

// TestDiskFullProcess fills a 20 MB tmpfs under the real server: writes
// answer 503 and /readyz is 503 until space is freed and a write succeeds;
// nothing acknowledged is lost, and the file checks whole afterwards.
func TestDiskFullProcess(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs (the test needs root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	path, _ := seededDB(t, dir)
	const token = "disk-full-token"
	c, addr := serveChild(t, childEnv("DMZMAP_TOKEN="+token), "--db", path)
	base := "http://" + addr
	post := func(i int) int {
		f := &crashFields{Title: "Disk full test", Summary: strings.Repeat("A summary long enough to fill pages. ", 40),
			Date: "2001-02-03", Lon: 127.1, Lat: 38.2}
		req, _ := http.NewRequest("POST", base+"/api/incidents", bytes.NewReader(f.feature("2001-02-03-disk-"+strings.Repeat("x", 3)+string(rune('a'+i%26))+string(rune('a'+i/26)))))
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if code := post(0); code != http.StatusCreated {
		t.Fatalf("a write before the disk is full: %d", code)
	}
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for _, n := range []int{64 << 10, 4096, 1} {
		for {
			if _, err := filler.Write(chunk[:n]); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	filler.Close()
	acked := 1
	full := false
	for i := 1; i < 60 && !full; i++ {
		switch code := post(i); code {
		case http.StatusCreated:
			acked++
		case http.StatusServiceUnavailable:
			full = true
		default:
			t.Fatalf("write %d on a full disk: %d, want 201 or 503", i, code)
		}
	}
	if !full {
		t.Fatalf("60 writes on a full disk all succeeded")
	}
	t.Logf("%d writes acknowledged before the disk was full", acked)
	if code, body := getStatus(t, base+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "full") {
		t.Errorf("/readyz while writes fail: %d %s", code, body)
	}
	os.Remove(filepath.Join(dir, "filler"))
	if code := post(100); code != http.StatusCreated {
		t.Fatalf("a write once space is freed: %d", code)
	}
	acked++
	if code, body := getStatus(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after a write succeeded: %d %s", code, body)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if st := c.wait(t, 20*time.Second); st.ExitCode() != 0 {
		t.Errorf("serve after the full disk: %v\n%s", st, c.stderr)
	}
	noCrash(t, "serve", c.stderr.String())
	code, stderr, _ := runChild(t, childEnv(), "check", "--db", path)
	if code != exitOK {
		t.Errorf("check after the full disk: exit %d\n%s", code, stderr)
	}
	mdl, _ := data.LoadMDL()
	s, err := data.Open(path, mdl, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Query(data.Filter{Text: "Disk full test"}, func([]byte) error { return nil })
	if err != nil || res.Matched != acked {
		t.Errorf("%d acknowledged writes, %d stored (%v)", acked, res.Matched, err)
	}
}
