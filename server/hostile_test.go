package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

const hostileToken = "h0stile-input-token"

// hostileFeature is a valid incident; the cases below break one thing.
const hostileFeature = `{"type":"Feature","id":"2017-11-13-hostile","geometry":{"type":"Point","coordinates":[126.6767,37.9558]},
 "properties":{"title":"Soldier defects at the JSA","type":"crossing","date":"2017-11-13","location_precision_m":100,
  "direction":"north_to_south","casualties":{"killed":0,"wounded":1},"summary":"A soldier ran south under fire.",
  "sources":[{"title":"Report","url":"https://example.org/jsa","publisher":"Example"}],"confidence":"high","tags":["jsa"]}}`

// with returns hostileFeature with old replaced by new, once.
func with(old, new string) string {
	if !strings.Contains(hostileFeature, old) {
		panic("hostileFeature has no " + old)
	}
	return strings.Replace(hostileFeature, old, new, 1)
}

// pathOf returns a LineString of n positions near the JSA.
func pathOf(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"LineString","coordinates":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[126.6767,%.6f]", 37.9+float64(i)*1e-6)
	}
	b.WriteString("]}")
	return b.String()
}

// checkProblem fails unless r is a 4xx problem document of status whose detail or errors hold each of want, and that does not echo
// a large input back.
func checkProblem(t *testing.T, r response, status int, want ...string) {
	t.Helper()
	if r.status < 400 || r.status > 499 || r.status != status {
		t.Fatalf("status %d, want %d; body %.300s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != ContentTypeProblem {
		t.Fatalf("Content-Type %q, want %q; body %.300s", ct, ContentTypeProblem, r.body)
	}
	var p struct {
		Type, Title, Detail string
		Status              int
		Errors              []struct{ Field, Parameter, Message string }
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("the problem is not JSON: %v: %.300s", err, r.body)
	}
	if p.Status != r.status || p.Title != http.StatusText(r.status) || p.Detail == "" {
		t.Errorf("problem %.300s does not match status %d or lacks a detail", r.body, r.status)
	}
	all := strings.ToLower(string(r.body))
	for _, w := range want {
		if !strings.Contains(all, strings.ToLower(w)) {
			t.Errorf("the problem does not mention %q: %.500s", w, r.body)
		}
	}
	if len(r.body) > 8<<10 {
		t.Errorf("the problem is %d bytes: it echoes the input back", len(r.body))
	}
}

// stillServing fails unless /healthz and a data route answer 200.
func stillServing(t *testing.T, s *Server) {
	t.Helper()
	for _, url := range []string{"/healthz", "/api/incidents/2017-11-13-jsa"} {
		if r := get(t, s, url); r.status != http.StatusOK {
			t.Fatalf("after the hostile request, %s answered %d", url, r.status)
		}
	}
}

func TestHostileQueries(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{MaxLimit: 3}, fixture(loadMDL(t)))
	cases := []struct {
		name, target string
		status       int
		want         []string
	}{
		{"unknown parameter", "/api/incidents?colour=red", 400, []string{"colour", "is not a parameter"}},
		{"limit -1", "/api/incidents?limit=-1", 400, []string{"limit", "not a whole number above 0"}},
		{"limit 0", "/api/incidents?limit=0", 400, []string{"limit"}},
		{"limit not a number", "/api/incidents?limit=ten", 400, []string{"limit"}},
		{"offset -5", "/api/incidents?offset=-5", 400, []string{"offset"}},
		{"bbox west of east", "/api/incidents?bbox=127.5,37.7,126.5,38.4", 400, []string{"bbox", "east of", "antimeridian"}},
		{"bbox NaN", "/api/incidents?bbox=NaN,37,127,38", 400, []string{"bbox", "finite"}},
		{"bbox Infinity", "/api/incidents?bbox=-Inf,37,127,38", 400, []string{"bbox"}},
		{"bbox 1e999", "/api/incidents?bbox=1e999,37,127,38", 400, []string{"bbox"}},
		{"bbox out of range", "/api/incidents?bbox=126,37,181,38", 400, []string{"bbox", "out of range"}},
		{"bbox of 3", "/api/incidents?bbox=126,37,127", 400, []string{"bbox", "has 3 numbers"}},
		{"repeated parameter", "/api/incidents?year=2017&year=1968", 400, []string{"year", "more than once"}},
		{"repeated limit", "/api/years?type=crossing&type=shooting", 400, []string{"type", "more than once"}},
		{"q not UTF-8", "/api/incidents?q=%ff%fe", 400, []string{"q", "UTF-8"}},
		{"q too long", "/api/incidents?q=" + strings.Repeat("a", 201), 400, []string{"q", "limit is 200"}},
		{"year not a year", "/api/incidents?year=<script>", 400, []string{"year"}},
		{"type unknown", "/api/incidents?type=crossing,%3Cimg%20src%3Dx%3E", 400, []string{"type"}},
		{"NUL in a name", "/api/incidents?a%00b=1", 400, []string{"is not a parameter"}},
		{"export unknown", "/api/export.geojson?format=shp", 400, []string{"format"}},
		{"id not UTF-8", "/api/incidents/%ff%fe%fd", 404, []string{"id"}},
		{"many unknown parameters", "/api/incidents?" + strings.Repeat("x=1&", 500) + "a1=1&a2=2", 400, []string{"is not a parameter"}},
		{"q very long", "/api/incidents?q=" + strings.Repeat("%ED%95%9C", 300), 400, []string{"q", "limit is 200"}},
		{"id too long", "/api/incidents/" + strings.Repeat("a", 3000), 404, []string{"id"}},
		{"id with markup", "/api/incidents/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404, []string{"id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkProblem(t, get(t, s, tc.target), tc.status, tc.want...)
			stillServing(t, s)
		})
	}

	t.Run("limit 10^12 is clamped", func(t *testing.T) {
		for _, url := range []string{"/api/incidents?limit=1000000000000", "/api/incidents?limit=99999999999999999999999999"} {
			r := get(t, s, url)
			if r.status != http.StatusOK {
				t.Fatalf("%s: status %d, want 200; body %s", url, r.status, r.body)
			}
			fc := decodeCollection(t, r)
			if len(fc.Features) != 3 || *fc.NumberReturned != 3 || *fc.NumberMatched != len(fixture(loadMDL(t))) {
				t.Errorf("%s: %d features, numberReturned %d, numberMatched %d; want the maximum, 3, of all", url, len(fc.Features), *fc.NumberReturned, *fc.NumberMatched)
			}
		}
	})
}

func TestHostileBodies(t *testing.T) {
	s, store, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	deep := strings.Repeat("[", 100000)
	deepObjects := strings.Repeat(`{"a":`, 100000)
	cases := []struct {
		name, body string
		status     int
		want       []string
	}{
		{"empty", "", 400, nil},
		{"malformed", `{"type":"Feature",`, 400, []string{"malformed JSON"}},
		{"not JSON", `type=Feature&title=x`, 400, []string{"malformed JSON"}},
		{"two documents", hostileFeature + `{}`, 400, []string{"more than one"}},
		{"an array", `[1,2,3]`, 422, nil},
		{"a string", `"Feature"`, 422, nil},
		{"null", `null`, 422, nil},
		{"a FeatureCollection", `{"type":"FeatureCollection","features":[` + hostileFeature + `]}`, 422, []string{"type"}},
		{"unknown property", with(`"confidence":"high"`, `"confidence":"high","colour":"red"`), 422, []string{"colour"}},
		{"title a number", with(`"title":"Soldier defects at the JSA"`, `"title":42`), 422, []string{"title", "string"}},
		{"geometry a LineString", with(`{"type":"Point","coordinates":[126.6767,37.9558]}`, pathOf(2)), 422, []string{"geometry", "Point"}},
		{"geometry a Polygon", with(`{"type":"Point","coordinates":[126.6767,37.9558]}`, `{"type":"Polygon","coordinates":[[[126,37],[127,37],[127,38],[126,37]]]}`), 422, []string{"geometry", "Point"}},
		{"geometry null", with(`{"type":"Point","coordinates":[126.6767,37.9558]}`, `null`), 422, []string{"geometry"}},
		{"path a Point", with(`"direction"`, `"path":{"type":"Point","coordinates":[126.6,37.9]},"direction"`), 422, []string{"path", "LineString"}},
		{"NaN", with(`[126.6767,37.9558]`, `[NaN,37.9558]`), 400, []string{"malformed JSON"}},
		{"Infinity", with(`[126.6767,37.9558]`, `[Infinity,37.9558]`), 400, []string{"malformed JSON"}},
		{"-Infinity", with(`[126.6767,37.9558]`, `[126.6767,-Infinity]`), 400, []string{"malformed JSON"}},
		{"1e999", with(`[126.6767,37.9558]`, `[1e999,37.9558]`), 422, []string{"geometry"}},
		{"longitude 200", with(`[126.6767,37.9558]`, `[200,37.9558]`), 422, []string{"geometry", "out of range"}},
		{"latitude -91", with(`[126.6767,37.9558]`, `[126.6767,-91]`), 422, []string{"geometry", "out of range"}},
		{"lat and lon swapped", with(`[126.6767,37.9558]`, `[37.9558,126.6767]`), 422, []string{"geometry"}},
		{"one coordinate", with(`[126.6767,37.9558]`, `[126.6767]`), 422, []string{"geometry"}},
		{"path over the vertex limit", with(`"direction"`, `"path":`+pathOf(data.MaxPathVertices+1)+`,"direction"`), 422, []string{"path", "limit"}},
		{"path of one position", with(`"direction"`, `"path":`+pathOf(1)+`,"direction"`), 422, []string{"path"}},
		{"deep arrays", deep, 400, []string{"depth"}},
		{"deep objects", deepObjects, 400, []string{"depth"}},
		{"deep inside properties", with(`"tags":["jsa"]`, `"tags":`+deep), 400, []string{"depth"}},
		{"title not UTF-8", with(`"title":"Soldier defects at the JSA"`, "\"title\":\"Soldier \xff\xfe defects\""), 400, []string{"UTF-8"}},
		{"title too long", with(`"title":"Soldier defects at the JSA"`, `"title":"`+strings.Repeat("x", 201)+`"`), 422, []string{"title", "limit is 200"}},
		{"summary of 3 MB", with(`"summary":"A soldier ran south under fire."`, `"summary":"`+strings.Repeat("한", 1<<20)+`"`), 422, []string{"summary", "limit is 5000"}},
		{"type of 1 MB", with(`"type":"crossing"`, `"type":"`+strings.Repeat("x", 1<<20)+`"`), 422, []string{"type"}},
		{"id of 1 MB", with(`"id":"2017-11-13-hostile"`, `"id":"`+strings.Repeat("x", 1<<20)+`"`), 422, []string{"id"}},
		{"control character in title", with(`"title":"Soldier defects at the JSA"`, `"title":"Soldier\u0000defects"`), 422, []string{"title", "control"}},
		{"javascript URL", with(`"url":"https://example.org/jsa"`, `"url":"javascript:alert(1)"`), 422, []string{"url"}},
		{"10^5 tags", with(`"tags":["jsa"]`, `"tags":[`+strings.Repeat(`"a",`, 100000)+`"b"]`), 422, []string{"tags"}},
	}
	headers := []string{"Authorization", "Bearer " + hostileToken, "Content-Type", data.ContentTypeGeoJSON}
	before, _ := store.Count()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, s, "POST", "/api/incidents", tc.body, headers...)
			checkProblem(t, r, tc.status, tc.want...)
			stillServing(t, s)
		})
	}
	if after, _ := store.Count(); after != before {
		t.Errorf("%d incidents stored by hostile requests", after-before)
	}
}

// listen serves s on a real loopback listener until the test ends and
// returns its address.
func listen(t *testing.T, s *Server) string {
	t.Helper()
	return strings.TrimPrefix(serve(t, s), "http://")
}

// TestHostileHugeBody sends 50 MB bodies over a real connection: the server
// answers 413 before reading them (with a Content-Length) or as soon as they
// pass the limit (chunked), without holding them in memory.
func TestHostileHugeBody(t *testing.T) {
	const size = 50 << 20
	s, _, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	addr := listen(t, s)
	for _, chunked := range []bool{false, true} {
		for _, target := range []string{"/api/incidents", "/api/import"} {
			t.Run(fmt.Sprintf("%s chunked=%v", target, chunked), func(t *testing.T) {
				runtime.GC()
				var m0 runtime.MemStats
				runtime.ReadMemStats(&m0)

				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				head := "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + hostileToken +
					"\r\nContent-Type: application/geo+json\r\n"
				if chunked {
					head += "Transfer-Encoding: chunked\r\n\r\n"
				} else {
					head += fmt.Sprintf("Content-Length: %d\r\n\r\n", size)
				}
				if _, err := io.WriteString(conn, head); err != nil {
					t.Fatal(err)
				}
				type answer struct {
					res  *http.Response
					body []byte
					err  error
				}
				answered := make(chan answer, 1)
				go func() {
					res, err := http.ReadResponse(bufio.NewReader(conn), nil)
					if err != nil {
						answered <- answer{err: err}
						return
					}
					b, err := io.ReadAll(res.Body)
					answered <- answer{res, b, err}
				}()

				chunk := []byte(strings.Repeat(`[126.6767,37.9558],`, 64<<10/19))
				if chunked {
					chunk = append([]byte(fmt.Sprintf("%x\r\n", len(chunk))), append(chunk, "\r\n"...)...)
				}
				sent, deadline := 0, time.Now().Add(20*time.Second)
				var a *answer
			send:
				for sent < size {
					select {
					case got := <-answered:
						a = &got
						break send
					default:
					}
					conn.SetWriteDeadline(time.Now().Add(time.Second))
					n, err := conn.Write(chunk)
					sent += n
					if err != nil || time.Now().After(deadline) {
						break
					}
				}
				if a == nil {
					select {
					case got := <-answered:
						a = &got
					case <-time.After(10 * time.Second):
						t.Fatalf("no answer after sending %d bytes", sent)
					}
				}
				if a.err != nil {
					t.Fatalf("reading the answer after sending %d bytes: %v", sent, a.err)
				}
				t.Logf("answered %d after %.1f MB of %d MB sent", a.res.StatusCode, float64(sent)/(1<<20), size>>20)
				checkProblem(t, response{a.res.StatusCode, a.res.Header, a.body}, http.StatusRequestEntityTooLarge, "over the limit")
				if a.res.Header.Get("Content-Security-Policy") == "" {
					t.Errorf("the 413 lacks the security headers")
				}
				if sent >= size {
					t.Errorf("the answer came after the whole body was sent")
				}
				var m1 runtime.MemStats
				runtime.ReadMemStats(&m1)
				if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 24<<20 {
					t.Errorf("%.1f MB allocated while refusing the body: it was read", float64(grew)/(1<<20))
				}
				res, err := http.Get("http://" + addr + "/healthz")
				if err != nil || res.StatusCode != http.StatusOK {
					t.Fatalf("after the 50 MB body /healthz: %v %v", res, err)
				}
				res.Body.Close()
			})
		}
	}
}

// TestHostileLongRequestLine sends a request line over fasthttp's read
// buffer (4 KiB): refused with 431 before any handler, and the server
// keeps serving.
func TestHostileLongRequestLine(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{}, fixture(loadMDL(t)))
	addr := listen(t, s)
	for _, target := range []string{
		"/api/incidents?" + strings.Repeat("x=1&", 5000),
		"/api/incidents?q=" + strings.Repeat("%ED%95%9C", 3000),
		"/api/incidents/" + strings.Repeat("a", 100000),
	} {
		res, err := http.Get("http://" + addr + target)
		if err != nil {
			t.Fatalf("a %d-byte target: %v", len(target), err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		checkProblem(t, response{res.StatusCode, res.Header, b}, http.StatusRequestHeaderFieldsTooLarge)
		res, err = http.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("after a %d-byte target /healthz: %v", len(target), err)
		}
		res.Body.Close()
	}
}

func TestHostileImportsAndPatches(t *testing.T) {
	s, store, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	etag := get(t, s, "/api/incidents/2017-11-13-jsa").header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on GET /api/incidents/2017-11-13-jsa")
	}
	const csvHead = "id,title,type,date,lon,lat,location_precision_m,summary,confidence,direction,source1_title,source1_url,source1_publisher\n"
	const csvRow = "2017-11-13-hostile,Soldier defects,crossing,2017-11-13,126.6767,37.9558,100,He ran south.,high,north_to_south,Report,https://example.org/r,Example\n"
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	cases := []struct {
		name, method, target, contentType, body string
		status                                  int
		want                                    []string
	}{
		{"import malformed", "POST", "/api/import", data.ContentTypeGeoJSON, `{"type":"FeatureCollection","features":[`, 400, []string{"malformed JSON"}},
		{"import deep", "POST", "/api/import", data.ContentTypeGeoJSON, strings.Repeat("[", 100000), 400, []string{"depth"}},
		{"import not UTF-8", "POST", "/api/import", data.ContentTypeGeoJSON, fc(with("Soldier defects", "Soldier \xc3\x28 defects")), 400, []string{"UTF-8"}},
		{"import a Feature", "POST", "/api/import", data.ContentTypeGeoJSON, hostileFeature, 400, []string{"FeatureCollection"}},
		{"import features an object", "POST", "/api/import", data.ContentTypeGeoJSON, `{"type":"FeatureCollection","features":{}}`, 422, nil},
		{"import a bad feature", "POST", "/api/import", data.ContentTypeGeoJSON, fc(hostileFeature, with(`[126.6767,37.9558]`, `[NaN,37]`)), 400, []string{"malformed JSON"}},
		{"import an out-of-range feature", "POST", "/api/import", data.ContentTypeGeoJSON, fc(with(`"id":"2017-11-13-hostile"`, `"id":"2017-11-13-other"`), with(`[126.6767,37.9558]`, `[126.6767,95]`)), 422, []string{"geometry", `"index":1`}},
		{"import unknown parameter", "POST", "/api/import?force=1", data.ContentTypeGeoJSON, fc(hostileFeature), 400, []string{"force"}},
		{"import repeated parameter", "POST", "/api/import?mode=upsert&mode=create", data.ContentTypeGeoJSON, fc(hostileFeature), 400, []string{"mode", "more than once"}},
		{"CSV malformed quote", "POST", "/api/import", "text/csv", csvHead + "\"2017-11-13-x,a\n", 400, []string{"malformed CSV"}},
		{"CSV not UTF-8", "POST", "/api/import", "text/csv", csvHead + strings.Replace(csvRow, "Soldier defects", "Soldier \xff defects", 1), 422, []string{"title", "UTF-8"}},
		{"CSV unknown column", "POST", "/api/import", "text/csv", "colour," + csvHead[:len(csvHead)-1] + "\nred," + csvRow, 422, []string{"colour"}},
		{"CSV 1e999", "POST", "/api/import", "text/csv", csvHead + strings.Replace(csvRow, "126.6767", "1e999", 1), 422, []string{"lon"}},
		{"CSV NaN", "POST", "/api/import", "text/csv", csvHead + strings.Replace(csvRow, "126.6767", "NaN", 1), 422, []string{"geometry"}},
		{"CSV path over the limit", "POST", "/api/import", "text/csv", "path," + csvHead[:len(csvHead)-1] + "\n\"LINESTRING (" + strings.Repeat("126.6 37.9, ", data.MaxPathVertices) + "126.6 37.8)\"," + csvRow, 422, []string{"path", "limit"}},
		{"patch malformed", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, `{"properties":`, 400, []string{"malformed JSON"}},
		{"patch deep", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, `{"properties":{"tags":` + strings.Repeat("[", 100000), 400, []string{"depth"}},
		{"patch not UTF-8", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, "{\"properties\":{\"title\":\"\xff\"}}", 400, []string{"UTF-8"}},
		{"patch an array", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, `[1]`, 400, []string{"object"}},
		{"patch the geometry to a Polygon", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, `{"geometry":{"type":"Polygon","coordinates":[]}}`, 422, []string{"geometry"}},
		{"patch out of range", "PATCH", "/api/incidents/2017-11-13-jsa", ContentTypeMergePatch, `{"geometry":{"coordinates":[126.6,-100]}}`, 422, []string{"geometry"}},
		{"put malformed", "PUT", "/api/incidents/2017-11-13-jsa", data.ContentTypeGeoJSON, `{"type":`, 400, []string{"malformed JSON"}},
		{"put deep", "PUT", "/api/incidents/2017-11-13-jsa", data.ContentTypeGeoJSON, strings.Repeat(`{"a":`, 100000), 400, []string{"depth"}},
	}
	before, _ := store.Count()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, s, tc.method, tc.target, tc.body, "Authorization", "Bearer "+hostileToken,
				"Content-Type", tc.contentType, "If-Match", etag)
			checkProblem(t, r, tc.status, tc.want...)
			stillServing(t, s)
		})
	}
	if after, _ := store.Count(); after != before {
		t.Errorf("%d incidents stored by hostile requests", after-before)
	}
	if r := get(t, s, "/api/incidents/2017-11-13-jsa"); r.header.Get("ETag") != etag {
		t.Errorf("a hostile patch changed the incident")
	}
}
