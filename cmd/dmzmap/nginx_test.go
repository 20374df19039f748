//go:build unix

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests in this file put Debian's nginx, configured by the operator's
// file deploy/nginx.conf, in front of the real dmzmap binary on loopback.

// proxyFront is nginx running deploy/nginx.conf in front of an origin.
type proxyFront struct {
	addr   string // host:port nginx listens on
	origin string // host:port of dmzmap
	dir    string
}

// startNginx runs nginx with deploy/nginx.conf, its upstream pointed at
// origin and its paths moved into a temporary directory. Every place the
// test rewrites must be in the file once, so that the test fails when the
// operator's file drifts from what it checks.
func startNginx(t testing.TB, origin string) *proxyFront {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Fatal("nginx is not installed (make deps installs Debian's nginx)")
		}
	}
	conf, err := os.ReadFile(filepath.Join("..", "..", "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	text := string(conf)
	for _, r := range [][2]string{
		{"user www-data;", "user root;"},
		{"pid /run/nginx-dmzmap.pid;", "pid " + dir + "/nginx.pid;"},
		{"error_log /var/log/nginx/dmzmap-error.log warn;", "error_log " + dir + "/error.log warn;"},
		{"access_log /var/log/nginx/dmzmap-access.log dmzmap;", "access_log " + dir + "/access.log dmzmap;"},
		{"proxy_cache_path /var/cache/nginx/dmzmap ", "proxy_cache_path " + dir + "/cache "},
		{"server 127.0.0.1:8080;", "server " + origin + ";"},
		{"listen 80;", "listen 127.0.0.1:" + strconv.Itoa(port) + ";"},
	} {
		if n := strings.Count(text, r[0]); n != 1 {
			t.Fatalf("deploy/nginx.conf has %q %d times, want once", r[0], n)
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-t", "-p", dir, "-e", dir+"/error.log", "-c", path).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-p", dir, "-e", dir+"/error.log", "-c", path, "-g", "daemon off;")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // nginx's fast shutdown
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(dir + "/error.log")
			t.Fatalf("nginx exited: %v\n%s\n%s", cmd.ProcessState, stderr.String(), log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("nginx did not answer /healthz within 10s")
		}
	}
	return &proxyFront{addr: addr, origin: origin, dir: dir}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// timeStamp is the member of an OGC collection that says when it was made.
var timeStamp = regexp.MustCompile(`"timeStamp":"[^"]*",?`)

var requestsTotal = regexp.MustCompile(`(?m)^dmzmap_http_requests_total\{route="([^"]*)",method="([^"]*)",status="(\d+)"\} (\d+)$`)

// originCounts reads dmzmap's own /metrics: requests answered by method
// and status, over every route whose pattern starts with prefix, less the
// health checks and the metrics. A 304 answered from the change counter,
// before any route, counts under the route "other", which prefix ""
// takes in.
func originCounts(t *testing.T, origin, prefix string) map[string]int {
	t.Helper()
	res, err := http.Get("http://" + origin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	counts := map[string]int{}
	for _, m := range requestsTotal.FindAllStringSubmatch(string(b), -1) {
		if strings.HasPrefix(m[1], prefix) && m[1] != "/healthz" && m[1] != "/metrics" {
			n, _ := strconv.Atoi(m[4])
			counts[m[2]+" "+m[3]] += n
		}
	}
	return counts
}

// get sends one request and returns the answer with its body read (and
// not decompressed: the transport's automatic gzip is off).
func get(t *testing.T, client *http.Client, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// spikeURLs are 50 distinct filtered data URLs, as readers of a story
// would open them.
func spikeURLs() []string {
	var urls []string
	for y := 1966; y <= 1985; y++ {
		urls = append(urls, fmt.Sprintf("/api/incidents?year=%d", y))
	}
	for y := 1990; y <= 2024; y += 5 {
		urls = append(urls, fmt.Sprintf("/api/incidents?from=%d&to=%d&type=crossing", y, y+5))
	}
	for _, s := range []string{"western", "central", "eastern", "jsa"} {
		urls = append(urls, "/api/years?sector="+s, "/ogc/collections/incidents/items?limit=20&sector="+s)
	}
	for i := range 15 {
		w := 126.1 + 0.1*float64(i)
		urls = append(urls, fmt.Sprintf("/ogc/collections/incidents/items?bbox=%.1f,37.5,%.1f,38.5", w, w+0.6))
	}
	return urls
}

func TestNginxCachesASpike(t *testing.T) {
	env := childEnv("DMZMAP_TOKEN=nginx-token")
	db := filepath.Join(t.TempDir(), "spike.db")
	originProc, origin := serveChild(t, env, "--db", db, "--write-rate", "0", "--trusted-proxy", "127.0.0.1/32")
	front := startNginx(t, origin)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableCompression: true, MaxIdleConnsPerHost: 64,
	}}

	urls := spikeURLs()
	if len(urls) != 50 {
		t.Fatalf("%d spike URLs, want 50", len(urls))
	}
	// What the origin itself answers for each URL, to compare with what
	// comes through the cache.
	want := map[string][]byte{}
	for _, u := range urls {
		res, b := get(t, client, "http://"+origin+u)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("origin %s: %d %s", u, res.StatusCode, b)
		}
		// Links in OGC answers are absolute, from the Host nginx passes on;
		// their timeStamp is when the answer was made.
		want[u] = timeStamp.ReplaceAll(bytes.ReplaceAll(b, []byte(origin), []byte(front.addr)), nil)
	}

	t.Run("spike", func(t *testing.T) {
		before := originCounts(t, origin, "")
		const total, workers = 20000, 32
		var next, bad atomic.Int64
		var firstErr atomic.Value
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= total {
						return
					}
					u := urls[i%int64(len(urls))]
					req, _ := http.NewRequest(http.MethodGet, "http://"+front.addr+u, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					res, err := client.Do(req)
					if err != nil {
						bad.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
						continue
					}
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						bad.Add(1)
						firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: %d", u, res.StatusCode))
						continue
					}
					if res.Header.Get("Content-Encoding") == "gzip" {
						zr, err := gzip.NewReader(bytes.NewReader(b))
						if err == nil {
							b, err = io.ReadAll(zr)
						}
						if err != nil {
							bad.Add(1)
							firstErr.CompareAndSwap(nil, u+": "+err.Error())
							continue
						}
					}
					if !bytes.Equal(timeStamp.ReplaceAll(b, nil), want[u]) {
						bad.Add(1)
						firstErr.CompareAndSwap(nil, u+": the answer differs from the origin's")
					}
				}
			}()
		}
		began := time.Now()
		wg.Wait()
		took := time.Since(began)
		if n := bad.Load(); n > 0 {
			t.Fatalf("%d of %d requests failed; the first: %v", n, total, firstErr.Load())
		}
		after := originCounts(t, origin, "")
		full := after["GET 200"] - before["GET 200"]
		revalidated := after["GET 304"] - before["GET 304"]
		t.Logf("%d requests through nginx in %v: the origin sent %d full answers and %d revalidations (304)",
			total, took.Round(time.Millisecond), full, revalidated)
		if full > len(urls) {
			t.Errorf("the origin sent %d full answers for %d distinct URLs, want at most one each", full, len(urls))
		}
		if reached := full + revalidated; reached > total/10 {
			t.Errorf("%d of %d requests reached the origin, want the cache to answer at least 90%%", reached, total)
		}
	})

	t.Run("write visible through the cache", func(t *testing.T) {
		u := "/api/incidents?year=2026"
		res, b := get(t, client, "http://"+front.addr+u)
		if res.StatusCode != http.StatusOK || bytes.Contains(b, []byte("nginx-test-incident")) {
			t.Fatalf("before the write: %d %s", res.StatusCode, b)
		}
		body := `{"type":"Feature","id":"2026-11-30-nginx-test-incident","geometry":{"type":"Point","coordinates":[126.9,38.0]},
			"properties":{"title":"Written through nginx","type":"other","date":"2026-11-30","date_precision":"day",
			"location_precision_m":1000,"place":"Test","direction":"none","summary":"A test incident.",
			"sources":[{"title":"Test","url":"https://example.org/a","publisher":"Test"}],"confidence":"low","tags":[]}}`
		before := originCounts(t, origin, "/api/incidents")
		for i := range 2 {
			req, _ := http.NewRequest(http.MethodPost, "http://"+front.addr+"/api/incidents", strings.NewReader(
				strings.Replace(body, "nginx-test-incident", fmt.Sprintf("nginx-test-incident-%d", i), 1)))
			req.Header.Set("Authorization", "Bearer nginx-token")
			req.Header.Set("Content-Type", "application/geo+json")
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			rb, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("POST through nginx: %d %s", res.StatusCode, rb)
			}
			if s := res.Header.Get("X-Cache-Status"); s == "HIT" {
				t.Errorf("a write was answered from the cache")
			}
		}
		after := originCounts(t, origin, "/api/incidents")
		if n := after["POST 201"] - before["POST 201"]; n != 2 {
			t.Errorf("the origin saw %d of the 2 writes", n)
		}
		// The cache keeps an answer for one to two seconds (nginx counts
		// whole seconds) before it revalidates, so the write shows on the
		// first read after that.
		written := time.Now()
		for {
			res, b = get(t, client, "http://"+front.addr+u)
			if bytes.Contains(b, []byte("nginx-test-incident-1")) {
				break
			}
			if time.Since(written) > 2500*time.Millisecond {
				t.Fatalf("the write was not visible through the cache %v after it was acknowledged", time.Since(written))
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("the write was visible through the cache %v after it was acknowledged", time.Since(written).Round(time.Millisecond))
	})

	t.Run("the event stream passes through at once", func(t *testing.T) {
		streams := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		var lines []*bufio.Scanner
		for range 2 { // two readers at once: neither waits for the other
			res, err := streams.Get("http://" + front.addr + "/api/events")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("GET /api/events through nginx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			lines = append(lines, bufio.NewScanner(res.Body))
		}
		body := `{"type":"Feature","id":"2026-11-29-nginx-event","geometry":{"type":"Point","coordinates":[126.9,38.0]},
			"properties":{"title":"Streamed through nginx","type":"other","date":"2026-11-29","date_precision":"day",
			"location_precision_m":1000,"place":"Test","direction":"none","summary":"A test incident.",
			"sources":[{"title":"Test","url":"https://example.org/a","publisher":"Test"}],"confidence":"low","tags":[]}}`
		req, _ := http.NewRequest(http.MethodPost, "http://"+front.addr+"/api/incidents", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer nginx-token")
		req.Header.Set("Content-Type", "application/geo+json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		written := time.Now()
		for i, sc := range lines {
			got := make(chan bool, 1)
			go func() {
				for sc.Scan() {
					if strings.Contains(sc.Text(), "2026-11-29-nginx-event") {
						got <- true
						return
					}
				}
				got <- false
			}()
			select {
			case ok := <-got:
				if !ok {
					t.Fatalf("reader %d: the stream ended before the event", i)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("reader %d: no event through nginx within 5 s of the write", i)
			}
		}
		t.Logf("both readers had the event %v after the write", time.Since(written).Round(time.Millisecond))
	})

	t.Run("answers to requests with credentials are never cached", func(t *testing.T) {
		u := "http://" + front.addr + "/api/incidents?year=1999&limit=3"
		for range 2 {
			res, _ := get(t, client, u, "Authorization", "Bearer nginx-token")
			if s := res.Header.Get("X-Cache-Status"); s != "BYPASS" {
				t.Errorf("a request with Authorization: X-Cache-Status %q, want BYPASS", s)
			}
		}
		// Nothing was stored by those: the first plain request misses.
		res, _ := get(t, client, u)
		if s := res.Header.Get("X-Cache-Status"); s != "MISS" {
			t.Errorf("the first request without Authorization after two with it: X-Cache-Status %q, want MISS", s)
		}
		before := originCounts(t, origin, "/api/backup")
		for range 2 {
			res, _ := get(t, client, "http://"+front.addr+"/api/backup", "Authorization", "Bearer nginx-token")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("backup through nginx: %d", res.StatusCode)
			}
		}
		if n := originCounts(t, origin, "/api/backup")["GET 200"] - before["GET 200"]; n != 2 {
			t.Errorf("the origin answered %d of 2 backups: one came from a cache", n)
		}
	})

	t.Run("Vary", func(t *testing.T) {
		u := "http://" + front.addr + "/api/incidents?from=1960&to=1980"
		for range 2 { // the second time from the cache
			res, gz := get(t, client, u, "Accept-Encoding", "gzip")
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", res.Header.Get("Content-Encoding"))
			}
			res, plain := get(t, client, u, "Accept-Encoding", "identity")
			if ce := res.Header.Get("Content-Encoding"); ce != "" {
				t.Fatalf("Accept-Encoding identity: Content-Encoding %q", ce)
			}
			if !bytes.Equal(gunzip(t, gz), plain) {
				t.Fatal("the gzip and identity answers differ")
			}
			if !json.Valid(plain) {
				t.Fatalf("identity answer is not JSON: %.80s", plain)
			}
		}
		items := "http://" + front.addr + "/ogc/collections/incidents/items?limit=5"
		for range 2 {
			res, b := get(t, client, items, "Accept", "text/html")
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("Accept text/html: Content-Type %q", ct)
			}
			if !bytes.Contains(b, []byte("<html")) && !bytes.Contains(b, []byte("<!DOCTYPE")) && !bytes.Contains(b, []byte("<!doctype")) {
				t.Fatalf("Accept text/html: not HTML: %.80s", b)
			}
			res, b = get(t, client, items, "Accept", "application/geo+json")
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
				t.Fatalf("Accept application/geo+json: Content-Type %q", ct)
			}
			if !json.Valid(b) {
				t.Fatalf("Accept application/geo+json: not JSON: %.80s", b)
			}
		}
	})

	t.Run("versioned assets cached for a year", func(t *testing.T) {
		_, page := get(t, client, "http://"+front.addr+"/")
		m := regexp.MustCompile(`/static/v-[^"/]+/[^"]+\.js`).Find(page)
		if m == nil {
			t.Fatalf("no versioned script in the page: %.200s", page)
		}
		get(t, client, "http://"+front.addr+string(m))
		res, _ := get(t, client, "http://"+front.addr+string(m))
		if s := res.Header.Get("X-Cache-Status"); s != "HIT" {
			t.Errorf("%s the second time: X-Cache-Status %q, want HIT", m, s)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", m, cc)
		}
	})

	t.Run("the client's address reaches the origin, not one it made up", func(t *testing.T) {
		// The client connects from 127.0.0.5; nginx connects to the origin
		// from 127.0.0.1, which --trusted-proxy trusts.
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.5")}}
		from := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
		req, _ := http.NewRequest(http.MethodGet, "http://"+front.addr+"/api/years?from=1953&to=1953", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		res, err := from.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		var line string
		for deadline := time.Now().Add(2 * time.Second); line == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, l := range strings.Split(originProc.stderr.String(), "\n") {
				if strings.Contains(l, "path=/api/years") && strings.Contains(l, "status=200") && strings.Contains(l, "127.0.0.5") {
					line = l
				}
			}
		}
		if line == "" {
			t.Fatalf("no request line from 127.0.0.5 in the origin's log:\n%s", originProc.stderr)
		}
		if strings.Contains(originProc.stderr.String(), "203.0.113.9") {
			t.Errorf("the origin logged the address the client made up: %s", line)
		}
	})

	t.Run("access log", func(t *testing.T) {
		f, err := os.Open(filepath.Join(front.dir, "access.log"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		hits := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "cache=HIT") {
				hits++
			}
		}
		if hits < 10000 {
			t.Errorf("the access log shows %d cache hits, want most of the spike", hits)
		}
	})
}

// spikeLoad sends GETs of urls, in turn, from clients connections for d
// (at most max requests), and returns the requests a second and the 99th
// percentile latency.
func spikeLoad(b *testing.B, base string, urls []string, clients int, d time.Duration, max int64) (perSecond float64, p99 time.Duration) {
	b.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var next, failed atomic.Int64
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(d)
	began := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if i >= max {
					return
				}
				req, _ := http.NewRequest(http.MethodGet, base+urls[i%int64(len(urls))], nil)
				req.Header.Set("Accept-Encoding", "gzip")
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	took := time.Since(began)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	slices.Sort(all)
	return float64(len(all)) / took.Seconds(), all[len(all)*99/100]
}

// BenchmarkNginxSpike compares the 50 spike URLs at 64 connections through
// nginx (deploy/nginx.conf) with the origin alone, in one run: requests a
// second and p99 of each, and the ratio.
func BenchmarkNginxSpike(b *testing.B) {
	db := filepath.Join(b.TempDir(), "spike.db")
	_, origin := serveChild(b, childEnv(), "--db", db)
	front := startNginx(b, origin)
	urls := spikeURLs()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for b.Loop() {
		originRate, originP99 := spikeLoad(b, "http://"+origin, urls, 64, 5*time.Second, 500000)
		proxyRate, proxyP99 := spikeLoad(b, "http://"+front.addr, urls, 64, 5*time.Second, 500000)
		b.ReportMetric(originRate, "origin-req/s")
		b.ReportMetric(ms(originP99), "origin-p99-ms")
		b.ReportMetric(proxyRate, "nginx-req/s")
		b.ReportMetric(ms(proxyP99), "nginx-p99-ms")
		b.ReportMetric(proxyRate/originRate, "nginx/origin")
	}
}
