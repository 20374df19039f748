//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/server"
)

// The tests in this file run the compiled program as a process of its own,
// to see what only a process shows: SIGKILL, SIGTERM, exit codes and the
// file lock between processes.

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the dmzmap executable, built once per test run by binary.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// binary builds dmzmap from this directory the first time it is called and
// returns the executable's path.
func binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "dmzmap-process-test-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "dmzmap")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// childEnv is the test's environment without DMZMAP_ variables, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DMZMAP_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// child is dmzmap running as a separate process.
type child struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{} // closed once the process has been waited for
}

// startChild starts dmzmap with args; the test's cleanup kills it if it
// still runs.
func startChild(t testing.TB, env []string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(binary(t), args...), stderr: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd.Env = env
	c.cmd.Stdout = io.Discard
	c.cmd.Stderr = c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

// wait waits up to d for the process to exit and returns its state.
func (c *child) wait(t testing.TB, d time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-c.exited:
		return c.cmd.ProcessState
	case <-time.After(d):
		t.Fatalf("dmzmap %q still runs %v later\nstderr:\n%s", c.cmd.Args[1:], d, c.stderr)
		return nil
	}
}

// serveChild starts dmzmap serve with args on 127.0.0.1:0 and returns it
// with its address once /healthz answers 200.
func serveChild(t testing.TB, env []string, args ...string) (*child, string) {
	t.Helper()
	c := startChild(t, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listening.FindStringSubmatch(c.stderr.String()); m != nil {
			res, err := client.Get("http://" + m[1] + "/healthz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return c, m[1]
				}
			}
		}
		select {
		case <-c.exited:
			t.Fatalf("dmzmap serve exited before it served: %v\nstderr:\n%s", c.cmd.ProcessState, c.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("dmzmap serve did not answer /healthz within 20s\nstderr:\n%s", c.stderr)
		}
	}
}

// runChild runs dmzmap with args to its end, at most a minute, and returns
// its exit code, its stderr and how long it took.
func runChild(t *testing.T, env []string, args ...string) (int, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	began := time.Now()
	err := cmd.Run()
	took := time.Since(began)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("dmzmap %q: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String(), took
}

// crashFields are the fields of an incident that the crash test writes and
// then looks for in the database.
type crashFields struct {
	Title, Summary, Date string
	Lon, Lat             float64
}

func (f *crashFields) String() string {
	if f == nil {
		return "<absent>"
	}
	return fmt.Sprintf("%q (%s at %v,%v): %q", f.Title, f.Date, f.Lon, f.Lat, f.Summary)
}

// feature is f as the GeoJSON Feature of a POST or a PUT.
func (f *crashFields) feature(id string) []byte {
	b, err := json.Marshal(map[string]any{
		"type": "Feature", "id": id,
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{f.Lon, f.Lat}},
		"properties": map[string]any{
			"title": f.Title, "type": "shooting", "date": f.Date, "location_precision_m": 100,
			"direction": "none", "summary": f.Summary, "confidence": "medium", "tags": []string{"crash-test"},
			"sources": []map[string]string{{"title": "Report", "url": "https://example.org/crash", "publisher": "Example"}},
		},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// fieldsOf returns the crashFields of a stored incident, nil for none.
func fieldsOf(in *data.Incident) *crashFields {
	if in == nil {
		return nil
	}
	return &crashFields{Title: in.Title, Summary: in.Summary, Date: in.Date.String(), Lon: in.Location[0], Lat: in.Location[1]}
}

func sameFields(a, b *crashFields) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// crashWriter sends writes to the server from one goroutine until a write
// fails, and notes what the database may hold for each id it wrote: the
// acknowledged version, or, for the write that got no answer, also the
// version it sent.
type crashWriter struct {
	client    *http.Client
	base      string
	token     string
	prefix    string // of the ids it creates
	rng       *rand.Rand
	may       map[string][]*crashFields // id → the versions the database may hold; nil is absent
	etags     map[string]string         // id → the ETag of its acknowledged version
	ids       []string                  // acknowledged ids, for updates
	acked     map[string]int            // acknowledged writes by method
	lastStart time.Time                 // when the last write was sent
	err       error                     // the error of the write that got no answer
	refused   error                     // an answer other than success
	onAck     func()                    // called on each acknowledged write
}

func (w *crashWriter) randomFields(n int) *crashFields {
	return &crashFields{
		Title:   fmt.Sprintf("Crash test %s write %d", w.prefix, n),
		Summary: fmt.Sprintf("Written by the crash test; token %016x.", w.rng.Uint64()),
		Date:    fmt.Sprintf("%04d-%02d-%02d", 1960+w.rng.IntN(60), 1+w.rng.IntN(12), 1+w.rng.IntN(28)),
		Lon:     float64(1267000+w.rng.IntN(16000)) / 1e4,
		Lat:     float64(379000+w.rng.IntN(4000)) / 1e4,
	}
}

// run writes until a write fails or ctx ends: mostly POSTs of new
// incidents, and PATCHes and PUTs of ones acknowledged before.
func (w *crashWriter) run(ctx context.Context) {
	for n := 0; ctx.Err() == nil; n++ {
		method, id := http.MethodPost, fmt.Sprintf("%s-%d", w.prefix, n)
		if len(w.ids) > 0 {
			switch w.rng.IntN(5) {
			case 0:
				method, id = http.MethodPatch, w.ids[w.rng.IntN(len(w.ids))]
			case 1:
				method, id = http.MethodPut, w.ids[w.rng.IntN(len(w.ids))]
			}
		}
		before := w.may[id] // nil for a new id, else its acknowledged version
		next := w.randomFields(n)
		url, ctype, body := w.base+"/api/incidents", data.ContentTypeGeoJSON, next.feature(id)
		switch method {
		case http.MethodPatch:
			next.Date, next.Lon, next.Lat = before[0].Date, before[0].Lon, before[0].Lat
			body, _ = json.Marshal(map[string]any{"properties": map[string]string{"title": next.Title, "summary": next.Summary}})
			url, ctype = url+"/"+id, server.ContentTypeMergePatch
		case http.MethodPut:
			url += "/" + id
		}
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err != nil {
			w.err = err
			return
		}
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+w.token)
		if method != http.MethodPost {
			req.Header.Set("If-Match", w.etags[id])
		}
		if before == nil {
			before = []*crashFields{nil}
		}
		w.may[id] = append(before, next)
		w.lastStart = time.Now()
		res, err := w.client.Do(req)
		if err != nil {
			w.err = err
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		want := http.StatusOK
		if method == http.MethodPost {
			want = http.StatusCreated
		}
		if res.StatusCode != want || res.Header.Get("ETag") == "" {
			w.may[id] = before
			w.refused = fmt.Errorf("%s %s: %s with ETag %q, want %d with an ETag", method, url, res.Status, res.Header.Get("ETag"), want)
			return
		}
		w.may[id] = []*crashFields{next}
		w.etags[id] = res.Header.Get("ETag")
		w.acked[method]++
		w.onAck()
		if method == http.MethodPost {
			w.ids = append(w.ids, id)
		}
	}
	w.err = ctx.Err()
}

// checkCrashed opens the database after a crash, runs bbolt's consistency
// check and compares every id of may with what is stored: each must hold
// one of the versions may allows. It then narrows may to what is stored and
// checks that the store holds the seed and those incidents, no more.
func checkCrashed(t *testing.T, db string, may map[string][]*crashFields, seeded int) {
	t.Helper()
	st, err := data.Open(db, nil, data.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("opening the database after the kill: %v", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("bbolt's check of the database after the kill: %v", err)
	}
	present := 0
	for id, versions := range may {
		in, err := st.Get(id)
		if err != nil && data.ErrorKind(err) != data.KindNotFound {
			t.Errorf("Get(%q): %v", id, err)
			continue
		}
		got := fieldsOf(in)
		ok := false
		for _, v := range versions {
			ok = ok || sameFields(got, v)
		}
		if !ok {
			t.Errorf("incident %s after the kill: %v; want one of %v", id, got, versions)
		}
		may[id] = []*crashFields{got}
		if got != nil {
			present++
		}
	}
	if n, err := st.Count(); err != nil || n != seeded+present {
		t.Errorf("Count() = %d, %v; want the %d seed incidents and the %d written = %d", n, err, seeded, present, seeded+present)
	}
}

// TestCrashSafety kills the server with SIGKILL while writes are in flight,
// round after round on the same database, and proves that each time the
// file passes bbolt's check, every acknowledged write (POST, PATCH, PUT) is
// there as it was sent, a write that got no answer is either wholly there
// or not at all, and nothing else was added or lost.
func TestCrashSafety(t *testing.T) {
	const (
		rounds  = 4
		writers = 4
		seed    = 20171113
	)
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	db := filepath.Join(t.TempDir(), "crash.db")
	mdl, err := data.LoadMDL()
	if err != nil {
		t.Fatal(err)
	}
	seedIncidents, err := data.SeedIncidents(mdl)
	if err != nil {
		t.Fatal(err)
	}
	env := childEnv("DMZMAP_TOKEN=crash-token")
	may := map[string][]*crashFields{}
	total, interrupted := 0, 0
	for round := 1; round <= rounds; round++ {
		c, addr := serveChild(t, env, "--db", db, "--write-rate", "0")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		transport := &http.Transport{MaxIdleConnsPerHost: writers}
		ws := make([]*crashWriter, writers)
		first := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for i := range ws {
			ws[i] = &crashWriter{
				client: &http.Client{Transport: transport, Timeout: 10 * time.Second},
				base:   "http://" + addr, token: "crash-token", prefix: fmt.Sprintf("crash-r%d-w%d", round, i),
				rng: rand.New(rand.NewPCG(seed, uint64(round*100+i))),
				may: map[string][]*crashFields{}, etags: map[string]string{}, acked: map[string]int{},
				onAck: func() { once.Do(func() { close(first) }) },
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ws[i].run(ctx)
			}()
		}
		delay := time.Duration(50+rng.IntN(351)) * time.Millisecond
		select {
		case <-first:
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: no write acknowledged within 10s\nstderr:\n%s", round, c.stderr)
		}
		time.Sleep(delay)
		select {
		case <-c.exited:
			t.Fatalf("round %d: the server exited before the kill: %v\nstderr:\n%s", round, c.cmd.ProcessState, c.stderr)
		default:
		}
		killed := time.Now()
		if err := c.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		state := c.wait(t, 10*time.Second)
		wg.Wait()
		cancel()
		transport.CloseIdleConnections()
		if status, ok := state.Sys().(syscall.WaitStatus); !ok || !status.Signaled() || status.Signal() != syscall.SIGKILL {
			t.Errorf("round %d: the server ended %v, want killed by SIGKILL", round, state)
		}

		acked, inFlight := map[string]int{}, 0
		for _, w := range ws {
			if w.refused != nil {
				t.Errorf("round %d: %s stopped on a refused write: %v", round, w.prefix, w.refused)
			} else if w.err != nil && !errors.Is(w.err, context.DeadlineExceeded) && w.lastStart.Before(killed) {
				inFlight++
			}
			for m, n := range w.acked {
				acked[m] += n
			}
			for id, v := range w.may {
				may[id] = v
			}
		}
		n := acked[http.MethodPost] + acked[http.MethodPatch] + acked[http.MethodPut]
		total += n
		t.Logf("round %d: killed %v after the first acknowledgement: %d writes acknowledged (%d POST, %d PATCH, %d PUT), %d writers with a write in flight",
			round, delay, n, acked[http.MethodPost], acked[http.MethodPatch], acked[http.MethodPut], inFlight)
		if acked[http.MethodPost] == 0 {
			t.Errorf("round %d: no write was acknowledged before the kill: the test did not test anything", round)
		}
		// On a busy machine all four writers may be between two writes at
		// the kill; the rounds together must cut at least one write short.
		interrupted += inFlight
		checkCrashed(t, db, may, len(seedIncidents))
		if t.Failed() {
			t.FailNow()
		}
	}
	if interrupted == 0 {
		t.Errorf("no write was in flight at any of the %d kills: the test did not test a torn write", rounds)
	}
	t.Logf("%d writes acknowledged over %d rounds, %d interrupted, %d incidents written, all there", total, rounds, interrupted, len(may))
}

// TestDatabaseInUse proves that while one dmzmap serves a database, every
// command that needs the same file fails within its --db-timeout with exit
// code 1 and says the database is in use (and, where the command promises
// it, what to do instead), that backup goes through the server instead,
// and that none of it disturbs the server or its data.
func TestDatabaseInUse(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "held.db")
	env := childEnv("DMZMAP_TOKEN=held-token")
	c, addr := serveChild(t, env, "--db", db)

	in := filepath.Join(dir, "in.geojson")
	writeGeoJSON(t, in, testIncidents(t))
	other := filepath.Join(dir, "other.db")
	if code, errs, _ := runChild(t, env, "gen", "--db", other, "--n", "10"); code != exitOK {
		t.Fatalf("gen: exit code %d\n%s", code, errs)
	}

	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"a second server", []string{"serve", "--db", db, "--db-timeout", "500ms", "--addr", "127.0.0.1:0"}, exitFailure,
			[]string{"in use by another process", "gave up after 500ms"}},
		{"export", []string{"export", "--db", db, "--db-timeout", "500ms"}, exitFailure,
			[]string{"in use by another process", "is dmzmap serve running? export through it: GET /api/export.geojson"}},
		{"import", []string{"import", "--db", db, "--db-timeout", "500ms", in}, exitFailure,
			[]string{"in use by another process", "is dmzmap serve running? import through it: POST /api/import"}},
		{"restore", []string{"restore", "--db", db, "--db-timeout", "500ms", other}, exitFailure,
			[]string{"in use by another process", "stop dmzmap serve first"}},
		{"gen", []string{"gen", "--db", db, "--n", "10"}, exitFailure,
			[]string{"in use by another process"}},
		{"backup through the server", []string{"backup", "--db", db, "--db-timeout", "500ms", "--server", "http://" + addr, filepath.Join(dir, "copy.db")}, exitOK,
			[]string{"is held by another process: fetching the backup from http://" + addr}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, errs, took := runChild(t, env, tc.args...)
			if code != tc.code {
				t.Errorf("dmzmap %q: exit code %d, want %d\nstderr:\n%s", tc.args, code, tc.code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("dmzmap %q: stderr %q, want it to hold %q", tc.args, errs, w)
				}
			}
			if took > 5*time.Second {
				t.Errorf("dmzmap %q took %v, want under 5s", tc.args, took)
			}
		})
	}

	if _, err := os.Stat(db + ".before-restore"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("restore moved the held database aside: %v", err)
	}
	res, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("the server after the others failed: %v", err)
	}
	res.Body.Close()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if state := c.wait(t, 10*time.Second); state.ExitCode() != exitOK {
		t.Fatalf("the server exited with %v\nstderr:\n%s", state, c.stderr)
	}
	mdl, _ := data.LoadMDL()
	seedIncidents, _ := data.SeedIncidents(mdl)
	if got, want := count(t, db), len(seedIncidents); got != want {
		t.Errorf("the held database holds %d incidents, want the %d of the seed", got, want)
	}
	if got := count(t, filepath.Join(dir, "copy.db")); got != len(seedIncidents) {
		t.Errorf("the backup through the server holds %d incidents, want %d", got, len(seedIncidents))
	}
}

// slowReader reads r at no more than rate bytes a second.
type slowReader struct {
	r     io.Reader
	rate  float64
	began time.Time
	n     int64
}

func (s *slowReader) Read(p []byte) (int, error) {
	if ahead := time.Duration(float64(s.n)/s.rate*float64(time.Second)) - time.Since(s.began); ahead > 0 {
		time.Sleep(ahead)
	}
	n, err := s.r.Read(p[:min(len(p), 64<<10)])
	s.n += int64(n)
	return n, err
}

// TestGracefulShutdown sends SIGTERM to a server in the middle of a slow
// download of a large export, and proves that the server stops accepting
// connections at once, still sends the whole export, closes the database
// (msg=stopped is logged only after the store has closed) and exits 0, and
// that the file then opens without waiting.
func TestGracefulShutdown(t *testing.T) {
	const (
		incidents = 20000
		signalAt  = 1 << 20          // bytes read when SIGTERM is sent
		rate      = 4 << 20          // bytes a second the client reads
		reading   = 40 * time.Second // the most the download may take
	)
	db := filepath.Join(t.TempDir(), "big.db")
	env := childEnv()
	if code, errs, took := runChild(t, env, "gen", "--db", db, "--n", fmt.Sprint(incidents), "--seed", "42"); code != exitOK {
		t.Fatalf("gen: exit code %d\n%s", code, errs)
	} else {
		t.Logf("gen of %d incidents took %v", incidents, took)
	}
	c, addr := serveChild(t, env, "--db", db)

	// A small receive buffer keeps the kernel from taking the export off
	// the server's hands: the server must write it while the client reads.
	client := &http.Client{Transport: &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, address)
			if tc, ok := conn.(*net.TCPConn); ok {
				err = errors.Join(err, tc.SetReadBuffer(64<<10))
			}
			return conn, err
		},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), reading)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/api/export.geojson", nil)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/export.geojson: %s", res.Status)
	}

	body := &bytes.Buffer{}
	sr := &slowReader{r: res.Body, rate: rate, began: time.Now()}
	if _, err := io.CopyN(body, sr, signalAt); err != nil {
		t.Fatalf("reading the first %d bytes: %v", signalAt, err)
	}
	signalled := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	refused := make(chan time.Duration, 1)
	go func() {
		probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
			res, err := probe.Do(req)
			if err == nil {
				res.Body.Close()
			} else if errors.Is(err, syscall.ECONNREFUSED) {
				refused <- time.Since(signalled)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		close(refused)
	}()

	_, err = io.Copy(body, sr)
	downloaded := time.Since(signalled)
	if err != nil {
		t.Fatalf("the download after SIGTERM broke after %d bytes, %v after the signal: %v", body.Len(), downloaded, err)
	}
	t.Logf("export of %d bytes: %d read before SIGTERM, the rest in %v after it", body.Len(), signalAt, downloaded)
	if body.Len() < 4*signalAt {
		t.Errorf("the export is %d bytes; want one big enough that SIGTERM at %d bytes comes early in it", body.Len(), signalAt)
	}

	select {
	case after, ok := <-refused:
		if !ok {
			t.Errorf("new connections were never refused after SIGTERM")
		} else {
			t.Logf("new connections refused %v after SIGTERM", after)
			if after > 3*time.Second || after > downloaded {
				t.Errorf("new connections refused %v after SIGTERM, with the download over %v after it; want at once, while it still runs", after, downloaded)
			}
		}
	case <-time.After(5 * time.Second):
		t.Errorf("new connections still accepted 5s after the download ended")
	}

	var fc struct {
		Type          string            `json:"type"`
		Features      []json.RawMessage `json:"features"`
		NumberMatched int               `json:"numberMatched"`
	}
	if err := json.Unmarshal(body.Bytes(), &fc); err != nil {
		t.Errorf("the export downloaded across SIGTERM is not whole JSON: %v; it ends %q", err, body.Bytes()[max(0, body.Len()-200):])
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != incidents || fc.NumberMatched != incidents {
		t.Errorf("the export is a %q of %d features, numberMatched %d; want a FeatureCollection of %d", fc.Type, len(fc.Features), fc.NumberMatched, incidents)
	}

	state := c.wait(t, 10*time.Second)
	logs := c.stderr.String()
	if state.ExitCode() != exitOK {
		t.Errorf("the server exited with %v after SIGTERM, want status 0\nstderr:\n%s", state, logs)
	}
	shutting, stopped := strings.Index(logs, `msg="shutting down"`), strings.Index(logs, "msg=stopped")
	if shutting < 0 || stopped < shutting {
		t.Errorf("the log has shutting down at %d and stopped at %d, want both, in that order\n%s", shutting, stopped, logs)
	}
	if strings.Contains(logs, "export stopped") {
		t.Errorf("the log says the export stopped:\n%s", logs)
	}

	began := time.Now()
	st, err := data.Open(db, nil, data.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("opening the database after the server stopped: %v", err)
	}
	defer st.Close()
	t.Logf("the database opened %v after the server exited", time.Since(began))
	if n, err := st.Count(); err != nil || n != incidents {
		t.Errorf("Count() = %d, %v; want %d", n, err, incidents)
	}
}
