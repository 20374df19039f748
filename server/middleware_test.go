package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// lockedBuffer is a log that the server writes and the test reads at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newConfigServer returns a server with cfg over a new store holding ins,
// and its log.
func newConfigServer(t testing.TB, cfg Config, ins []*data.Incident) (*Server, *data.Store, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	s, store := serverOver(t, cfg, logs, ins)
	return s, store, logs
}

// request sends method target with body and headers given as name, value
// pairs.
func request(t testing.TB, s *Server, method, target, body string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, s, req)
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{WriteRateLimit: 1000}, fixture(loadMDL(t)))
	cases := []struct {
		name, method, target, body string
		status                     int
	}{
		{"health", "GET", "/healthz", "", 200},
		{"ready", "GET", "/readyz", "", 200},
		{"metrics", "GET", "/metrics", "", 200},
		{"collection", "GET", "/api/incidents?year=2017", "", 200},
		{"one incident", "GET", "/api/incidents/2017-11-13-jsa", "", 200},
		{"export", "GET", "/api/export.geojson", "", 200},
		{"head", "HEAD", "/api/incidents", "", 200},
		{"bad query", "GET", "/api/incidents?nope=1", "", 400},
		{"no such incident", "GET", "/api/incidents/no-such-thing", "", 404},
		{"no such route", "GET", "/wp-login.php", "", 404},
		{"write refused", "POST", "/api/incidents", "{}", 0},
		{"preflight", "OPTIONS", "/api/incidents", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, s, tc.method, tc.target, tc.body, "Content-Type", "application/geo+json")
			if tc.status != 0 && r.status != tc.status {
				t.Errorf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			want := map[string]string{
				"Content-Security-Policy": ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
			}
			for name, v := range want {
				if got := r.header.Get(name); got != v {
					t.Errorf("%s: %q, want %q", name, got, v)
				}
			}
			if r.header.Get("X-Request-ID") == "" {
				t.Errorf("no X-Request-ID")
			}
		})
	}
	if !strings.Contains(ContentSecurityPolicy, "script-src 'self';") || strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("the CSP %q allows inline or eval'd script", ContentSecurityPolicy)
	}
}

func TestCORSOpenForReadsClosedForWrites(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{Token: "t0ken-for-cors"}, fixture(loadMDL(t)))
	const origin = "https://news.example"
	cases := []struct {
		name, method, target string
		headers              []string
		allow                bool
	}{
		{"GET", "GET", "/api/incidents", nil, true},
		{"HEAD", "HEAD", "/api/incidents/2017-11-13-jsa", nil, true},
		{"preflight GET", "OPTIONS", "/api/incidents", []string{"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match"}, true},
		{"preflight POST", "OPTIONS", "/api/incidents", []string{"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"}, false},
		{"preflight PUT", "OPTIONS", "/api/incidents/2017-11-13-jsa", []string{"Access-Control-Request-Method", "PUT"}, false},
		{"preflight PATCH", "OPTIONS", "/api/incidents/2017-11-13-jsa", []string{"Access-Control-Request-Method", "PATCH"}, false},
		{"preflight DELETE", "OPTIONS", "/api/incidents/2017-11-13-jsa", []string{"Access-Control-Request-Method", "DELETE"}, false},
		{"POST", "POST", "/api/incidents", []string{"Content-Type", "application/geo+json"}, false},
		{"DELETE", "DELETE", "/api/incidents/2017-11-13-jsa", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, s, tc.method, tc.target, "", append([]string{"Origin", origin}, tc.headers...)...)
			got := r.header.Get("Access-Control-Allow-Origin")
			switch {
			case tc.allow && got != "*":
				t.Errorf("Access-Control-Allow-Origin %q, want *", got)
			case !tc.allow:
				for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials"} {
					if v := r.header.Get(h); v != "" {
						t.Errorf("%s: %q, want none for a write", h, v)
					}
				}
			}
			if tc.method == "OPTIONS" {
				if r.status != http.StatusNoContent {
					t.Errorf("preflight status %d, want 204", r.status)
				}
				methods := r.header.Get("Access-Control-Allow-Methods")
				if tc.allow && (!strings.Contains(methods, "GET") || strings.Contains(methods, "POST")) {
					t.Errorf("Access-Control-Allow-Methods %q, want GET and HEAD only", methods)
				}
				if tc.allow && !strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")), "if-none-match") {
					t.Errorf("Access-Control-Allow-Headers %q lacks If-None-Match", r.header.Get("Access-Control-Allow-Headers"))
				}
			}
		})
	}
	// Without an Origin nothing changes: no CORS headers on a same-origin GET.
	if r := get(t, s, "/api/incidents"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a request without Origin got Access-Control-Allow-Origin %q", r.header.Get("Access-Control-Allow-Origin"))
	}
}

func TestWriteRateLimit(t *testing.T) {
	const limit = 3
	s, _, _ := newConfigServer(t, Config{WriteRateLimit: limit}, fixture(loadMDL(t)))
	for i := 0; i < limit; i++ {
		if r := request(t, s, "POST", "/api/incidents", "{}", "Content-Type", "application/geo+json"); r.status == http.StatusTooManyRequests {
			t.Fatalf("write %d of %d: 429 before the limit", i+1, limit)
		}
	}
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		r := request(t, s, method, "/api/incidents/2017-11-13-jsa", "{}", "Content-Type", "application/geo+json")
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("%s over the limit: status %d, want 429; body %s", method, r.status, r.body)
		}
		p := decodeProblem(t, r)
		if !strings.Contains(p.Detail, "writes a minute") {
			t.Errorf("detail %q does not say the limit", p.Detail)
		}
		retry, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || retry < 1 || retry > 60 {
			t.Errorf("Retry-After %q, want 1 to 60 seconds", r.header.Get("Retry-After"))
		}
	}
	for i := 0; i < 2*limit; i++ {
		if r := get(t, s, "/api/incidents/2017-11-13-jsa"); r.status != http.StatusOK {
			t.Fatalf("a read after the writes' limit: status %d, want 200", r.status)
		}
	}

	off, _, _ := newConfigServer(t, Config{}, nil)
	for i := 0; i < 200; i++ {
		if r := request(t, off, "POST", "/api/incidents", "{}", "Content-Type", "application/geo+json"); r.status == http.StatusTooManyRequests {
			t.Fatalf("write %d with WriteRateLimit 0: 429", i+1)
		}
	}
}

func TestPanicIsA500LoggedOnce(t *testing.T) {
	s, _, logs := newConfigServer(t, Config{}, nil)
	s.App().Get("/test/panic", func(c *fiber.Ctx) error { panic("boom in a handler") })
	r := get(t, s, "/test/panic")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500; body %s", r.status, r.body)
	}
	if p := decodeProblem(t, r); p.Detail != "internal error" || strings.Contains(string(r.body), "boom") {
		t.Errorf("the problem %s shows more than \"internal error\"", r.body)
	}
	if r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("the 500 lacks the security headers")
	}
	var panicLines []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "boom in a handler") {
			panicLines = append(panicLines, line)
		}
	}
	if len(panicLines) != 1 {
		t.Fatalf("%d log lines name the panic, want 1:\n%s", len(panicLines), logs)
	}
	if l := panicLines[0]; !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "goroutine") || !strings.Contains(l, "middleware_test.go") {
		t.Errorf("the panic's line has no level=ERROR or no stack:\n%s", l)
	}
	if !regexp.MustCompile(`msg=request method=GET path=/test/panic status=500 `).MatchString(logs.String()) {
		t.Errorf("no request line with status 500:\n%s", logs)
	}
	for i := 0; i < 3; i++ {
		if r := get(t, s, "/healthz"); r.status != http.StatusOK {
			t.Fatalf("after the panic /healthz answered %d", r.status)
		}
	}
}

var requestLine = regexp.MustCompile(`level=INFO msg=request method=(\S+) path=(\S+) status=(\d+) duration_ms=([0-9.e-]+) request_id=(\S+) ip=(\S+)`)

func TestRequestLog(t *testing.T) {
	const token = "never-log-this-t0ken"
	s, _, logs := newConfigServer(t, Config{Token: token}, fixture(loadMDL(t)))
	r := request(t, s, "GET", "/api/incidents?year=2017", "", "X-Request-ID", "abc-123")
	if got := r.header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID %q, want the client's abc-123", got)
	}
	m := requestLine.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no request line in the log:\n%s", logs)
	}
	if m[1] != "GET" || m[2] != "/api/incidents" || m[3] != "200" || m[5] != "abc-123" {
		t.Errorf("request line %q, want GET /api/incidents 200 abc-123", m[0])
	}
	if d, err := strconv.ParseFloat(m[4], 64); err != nil || d < 0 || d > 10000 {
		t.Errorf("duration_ms %q", m[4])
	}

	// A fresh id when the client sends none, or one that is not plain.
	for _, sent := range []string{"", strings.Repeat("a", 200), "id with spaces"} {
		r := request(t, s, "GET", "/healthz", "", "X-Request-ID", sent)
		id := r.header.Get("X-Request-ID")
		if id == "" || id == sent || len(id) > 128 {
			t.Errorf("sent X-Request-ID %q, got %q: want a fresh one", sent, id)
		}
		if !strings.Contains(logs.String(), "request_id="+id) {
			t.Errorf("the id %s is not in the log", id)
		}
	}

	// The token is never logged, right or wrong.
	request(t, s, "POST", "/api/incidents", "{}", "Authorization", "Bearer "+token, "Content-Type", "application/geo+json")
	request(t, s, "POST", "/api/incidents", "{}", "Authorization", "Bearer wrong-"+token, "Content-Type", "application/geo+json")
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log holds the token:\n%s", logs)
	}
}

func TestReadyz(t *testing.T) {
	s, store, _ := newConfigServer(t, Config{}, nil)
	r := get(t, s, "/readyz")
	var body struct{ Status string }
	if err := json.Unmarshal(r.body, &body); r.status != http.StatusOK || err != nil || body.Status != "ready" {
		t.Fatalf("/readyz: %d %s, want 200 ready", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	r = get(t, s, "/readyz")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz over a closed database: %d, want 503", r.status)
	}
	if p := decodeProblem(t, r); !strings.Contains(p.Detail, "database") {
		t.Errorf("detail %q does not name the database", p.Detail)
	}
	if r := get(t, s, "/healthz"); r.status != http.StatusOK {
		t.Errorf("/healthz with the database closed: %d, want 200 (the process is up)", r.status)
	}
}

// metricLine is one sample of the text exposition format.
var metricLine = regexp.MustCompile(`^([a-z_]+)(\{[^}]*\})? (\S+)$`)

// scrape reads /metrics into samples by name and labels.
func scrape(t *testing.T, s *Server) map[string]float64 {
	t.Helper()
	r := get(t, s, "/metrics")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != ContentTypeMetrics {
		t.Fatalf("/metrics: %d %s", r.status, r.header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		m := metricLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a sample line: %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil || math.IsNaN(v) {
			t.Fatalf("not a value: %q", line)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	ins := fixture(loadMDL(t))
	s, _, _ := newConfigServer(t, Config{}, ins)
	for _, url := range []string{"/api/incidents", "/api/incidents?year=2017", "/api/incidents/2017-11-13-jsa", "/api/incidents/1968-01-17-raid",
		"/api/incidents/no-such-one", "/api/years", "/nothing-here", "/api/incidents?bad=1"} {
		get(t, s, url)
	}
	m := scrape(t, s)
	want := map[string]float64{
		`dmzmap_http_requests_total{route="/api/incidents",method="GET",status="200"}`:     2,
		`dmzmap_http_requests_total{route="/api/incidents",method="GET",status="400"}`:     1,
		`dmzmap_http_requests_total{route="/api/incidents/:id",method="GET",status="200"}`: 2,
		`dmzmap_http_requests_total{route="/api/incidents/:id",method="GET",status="404"}`: 1,
		`dmzmap_http_requests_total{route="/api/years",method="GET",status="200"}`:         1,
		`dmzmap_http_requests_total{route="other",method="GET",status="404"}`:              1,
		`dmzmap_http_request_duration_seconds_count{route="/api/incidents/:id"}`:           3,
		`dmzmap_incidents`: float64(len(ins)),
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if m["dmzmap_db_size_bytes"] < 4096 {
		t.Errorf("dmzmap_db_size_bytes = %v", m["dmzmap_db_size_bytes"])
	}
	if sys, heap := m["go_memstats_sys_bytes"], m["go_memstats_heap_inuse_bytes"]; heap <= 0 || sys < heap {
		t.Errorf("go_memstats_sys_bytes = %v, go_memstats_heap_inuse_bytes = %v", sys, heap)
	}
	if live, ok := m["go_gc_heap_live_bytes"]; !ok || live < 0 || live > m["go_memstats_sys_bytes"] { // 0 before the first collection
		t.Errorf("go_gc_heap_live_bytes = %v (present %v), go_memstats_sys_bytes = %v", live, ok, m["go_memstats_sys_bytes"])
	}
	for k := range m {
		if strings.Contains(k, "2017-11-13-jsa") || strings.Contains(k, "nothing-here") {
			t.Errorf("a raw path is a label: %s", k)
		}
	}
	// The histogram's buckets are cumulative and end at the count.
	route := `route="/api/incidents"`
	prev := 0.0
	for _, le := range append(latencyBuckets, math.Inf(1)) {
		les := strconv.FormatFloat(le, 'g', -1, 64)
		if math.IsInf(le, 1) {
			les = "+Inf"
		}
		v, ok := m[`dmzmap_http_request_duration_seconds_bucket{`+route+`,le="`+les+`"}`]
		if !ok || v < prev {
			t.Fatalf("bucket le=%s: %v (present %v), after %v", les, v, ok, prev)
		}
		prev = v
	}
	if count := m[`dmzmap_http_request_duration_seconds_count{`+route+`}`]; prev != count || count != 3 {
		t.Errorf("+Inf bucket %v, count %v; want both 3", prev, count)
	}
	if sum := m[`dmzmap_http_request_duration_seconds_sum{`+route+`}`]; sum <= 0 || sum > 30 {
		t.Errorf("sum %v", sum)
	}
}

// TestMetricsLabelsOutliveTheRequest sends, on one kept-alive connection,
// a POST, a method no route knows and then GETs, and checks that /metrics
// still counts the POST under its method: Fiber's method is the request's
// bytes, which the next request on the connection overwrites, so a label
// kept as it was would read as another method; and the unknown method is
// counted as "other", so that a client cannot make labels without end.
func TestMetricsLabelsOutliveTheRequest(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Listen(ln)
	t.Cleanup(func() { s.App().Shutdown() })
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	send := func(method, url string) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+url, strings.NewReader("{}"))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	post := send(http.MethodPost, "/api/incidents") // no token
	brew := send("BREW", "/api/incidents")
	for range 5 {
		send(http.MethodGet, "/api/years")
	}
	res, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`dmzmap_http_requests_total{route="/api/incidents",method="POST",status="` + strconv.Itoa(post) + `"} 1`,
		`method="other",status="` + strconv.Itoa(brew) + `"} 1`,
		`dmzmap_http_requests_total{route="/api/years",method="GET",status="200"} 5`,
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("/metrics has no %s:\n%s", want, b)
		}
	}
	if bytes.Contains(b, []byte("BREW")) {
		t.Errorf("an unknown method is a label:\n%s", b)
	}
}

func TestLabelValueEscapes(t *testing.T) {
	if got, want := labelValue("a\\b\"c\nd"), `"a\\b\"c\nd"`; got != want {
		t.Errorf("labelValue = %s, want %s", got, want)
	}
}

// TestWriteTimeoutCutsStalledReader serves an export of 20,000 incidents
// with a write timeout of half a second: a client that reads gets it whole;
// for one that stops reading, the export stops after the timeout (and with
// it its read transaction), the client never gets the rest, and the server
// goes on serving.
func TestWriteTimeoutCutsStalledReader(t *testing.T) {
	s, store, logs := newConfigServer(t, Config{WriteTimeout: 500 * time.Millisecond}, nil)
	if err := store.AddSynthetic(context.Background(), 20000, 1); err != nil {
		t.Fatal(err)
	}
	addr := listen(t, s)
	res, err := http.Get("http://" + addr + "/api/export.geojson")
	if err != nil {
		t.Fatal(err)
	}
	whole, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || whole < 10<<20 {
		t.Fatalf("a reading client got %d bytes, %v; want the whole export, over 10 MB", whole, err)
	}
	if strings.Contains(logs.String(), "export stopped") {
		t.Fatalf("the whole export logged a stop:\n%s", logs)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(16 << 10)
	if _, err := io.WriteString(conn, "GET /api/export.geojson HTTP/1.1\r\nHost: dmzmap\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for !strings.Contains(logs.String(), "export stopped") {
		if time.Since(began) > 10*time.Second {
			t.Fatalf("the export to a client that reads nothing did not stop:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if took := time.Since(began); took < 400*time.Millisecond {
		t.Errorf("the export stopped after %v, before the write timeout", took)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, _ := io.Copy(io.Discard, conn); got >= whole {
		t.Errorf("a client that stopped reading still got %d bytes of %d", got, whole)
	}
	if r, err := http.Get("http://" + addr + "/healthz"); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("after the cut /healthz: %v, %v", r, err)
	} else {
		r.Body.Close()
	}
}
