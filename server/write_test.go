package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

const testToken = "s3cret-token-for-tests"

// newWriteServer returns a server with writes enabled by token (none when
// empty) over a new store holding ins, and its log.
func newWriteServer(t testing.TB, token string, ins []*data.Incident) (*Server, *data.Store, *bytes.Buffer) {
	t.Helper()
	mdl := loadMDL(t)
	store, err := data.Open(filepath.Join(t.TempDir(), "test.db"), mdl, data.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if len(ins) > 0 {
		if _, err := store.Import(ins, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	var logs bytes.Buffer
	s := New(store, mdl, slog.New(slog.NewTextHandler(&logs, nil)), Config{Token: token})
	s.now = func() time.Time { return testNow }
	return s, store, &logs
}

// call sends a request with body and headers, given as name, value pairs.
func call(t testing.TB, s *Server, method, target, body string, headers ...string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, s, req)
}

var (
	auth    = []string{"Authorization", "Bearer " + testToken}
	geoJSON = []string{"Content-Type", data.ContentTypeGeoJSON}
	patchCT = []string{"Content-Type", ContentTypeMergePatch}
)

func hdr(groups ...[]string) []string { return slices.Concat(groups...) }

// writeProblem is a problem document with the index of bulk errors.
type writeProblem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Field     string `json:"field"`
		Parameter string `json:"parameter"`
		Index     *int   `json:"index"`
		Message   string `json:"message"`
	} `json:"errors"`
}

func problemOfResponse(t testing.TB, r response, status int) writeProblem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != ContentTypeProblem {
		t.Fatalf("Content-Type %q, want %q; body %s", ct, ContentTypeProblem, r.body)
	}
	var p writeProblem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decoding the problem: %v", err)
	}
	if p.Status != status || p.Title != http.StatusText(status) || p.Detail == "" || p.Errors == nil {
		t.Errorf("problem %s does not match status %d or lacks a detail or errors", r.body, status)
	}
	return p
}

// fields lists the problem's fields, as "field" or "index:field".
func (p writeProblem) fields() []string {
	var out []string
	for _, e := range p.Errors {
		f := e.Field
		if e.Index != nil {
			f = strconv.Itoa(*e.Index) + ":" + f
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

const newFeature = `{"type":"Feature","geometry":{"type":"Point","coordinates":[126.6767,37.9558]},
 "properties":{"title":"Soldier defects at the JSA!","type":"crossing","date":"2017-11-13","location_precision_m":100,
  "direction":"north_to_south","casualties":{"killed":0,"wounded":1},"summary":"A soldier ran south under fire.",
  "sources":[{"title":"Report","url":"https://example.org/jsa","publisher":"Example"}],"confidence":"high","tags":["jsa"]}}`

// withID returns newFeature with the id.
func withID(id string) string {
	return `{"id":"` + id + `",` + strings.TrimPrefix(newFeature, "{")
}

var generatedID = regexp.MustCompile(`^2017-11-13-soldier-defects-at-the-jsa-[a-z2-9]{5}$`)

func TestCreate(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))

	r := call(t, s, "POST", "/api/incidents", newFeature, hdr(auth, geoJSON)...)
	if r.status != http.StatusCreated {
		t.Fatalf("status %d, want 201; body %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	id := strings.TrimPrefix(loc, "/api/incidents/")
	if !strings.HasPrefix(loc, "/api/incidents/") || !generatedID.MatchString(id) {
		t.Fatalf("Location %q, want /api/incidents/2017-11-13-soldier-defects-at-the-jsa-xxxxx", loc)
	}
	if got, want := r.header.Get("ETag"), data.ETag(r.body); got != want {
		t.Errorf("ETag %s, want %s, the tag of the body", got, want)
	}
	if ct := r.header.Get("Content-Type"); ct != data.ContentTypeGeoJSON {
		t.Errorf("Content-Type %q, want %q", ct, data.ContentTypeGeoJSON)
	}
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(r.body, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID != id || f.Properties["sector"] != "jsa" || f.Properties["created"] == nil {
		t.Errorf("stored feature %s lacks its id %s or computed properties", r.body, id)
	}
	g := get(t, s, loc)
	if g.status != 200 || !bytes.Equal(g.body, r.body) || g.header.Get("ETag") != r.header.Get("ETag") {
		t.Errorf("GET %s: status %d, ETag %s, body %s; want the created feature and its ETag", loc, g.status, g.header.Get("ETag"), g.body)
	}

	r = call(t, s, "POST", "/api/incidents", withID("2017-11-13-given-id"), hdr(auth, []string{"Content-Type", "application/json; charset=utf-8"})...)
	if r.status != http.StatusCreated || r.header.Get("Location") != "/api/incidents/2017-11-13-given-id" {
		t.Errorf("with an id: status %d, Location %q; want 201 at its id", r.status, r.header.Get("Location"))
	}
	r = call(t, s, "POST", "/api/incidents", withID("2017-11-13-given-id"), hdr(auth, geoJSON)...)
	problemOfResponse(t, r, http.StatusConflict)

	n, _ := store.Count()
	if n != len(fixture(loadMDL(t)))+2 {
		t.Errorf("%d incidents stored, want the fixture and 2", n)
	}
	for _, c := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		r = call(t, s, "POST", "/api/incidents", newFeature, hdr(auth, []string{"Content-Type", c})...)
		if p := problemOfResponse(t, r, http.StatusUnsupportedMediaType); !strings.Contains(p.Detail, "application/geo+json") {
			t.Errorf("Content-Type %q: detail %q does not say what is taken", c, p.Detail)
		}
	}
	r = call(t, s, "POST", "/api/incidents", `{"type":"Feature",`, hdr(auth, geoJSON)...)
	problemOfResponse(t, r, http.StatusBadRequest)
}

func TestCreateInvalid(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, nil)
	cases := []struct {
		name string
		body string
		want []string
	}{
		{"every field wrong", `{"type":"Feature","id":"X","geometry":{"type":"Point","coordinates":[37.9,126.6]},
			"properties":{"title":"","type":"bogus","date":"1950","location_precision_m":0,"direction":"up",
			"casualties":{"killed":-1},"summary":"","sources":[{"title":"","url":"ftp://x","publisher":""}],"confidence":"sure","tags":["A B","A B"]}}`,
			[]string{"casualties.killed", "confidence", "date", "direction", "geometry", "id", "location_precision_m",
				"sources[0].publisher", "sources[0].title", "sources[0].url", "summary", "tags[0]", "tags[1]", "title", "type"}},
		{"no sources", strings.Replace(newFeature, `"sources":[{"title":"Report","url":"https://example.org/jsa","publisher":"Example"}]`, `"sources":[]`, 1),
			[]string{"sources"}},
		{"a crossing without a direction", strings.Replace(newFeature, `"north_to_south"`, `"none"`, 1), []string{"direction"}},
		{"a string for a number", strings.Replace(newFeature, `"location_precision_m":100`, `"location_precision_m":"100"`, 1), []string{"location_precision_m"}},
		{"an unknown property", strings.Replace(newFeature, `"title"`, `"colour":"red","title"`, 1), []string{"colour"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, s, "POST", "/api/incidents", tc.body, hdr(auth, geoJSON)...)
			p := problemOfResponse(t, r, http.StatusUnprocessableEntity)
			if got := p.fields(); !slices.Equal(got, tc.want) {
				t.Errorf("fields %q, want %q\n%s", got, tc.want, r.body)
			}
			for _, e := range p.Errors {
				if e.Message == "" {
					t.Errorf("field %s has no message", e.Field)
				}
			}
		})
	}
	if n, _ := store.Count(); n != 0 {
		t.Errorf("%d incidents stored after refused writes, want 0", n)
	}
}

func TestNewID(t *testing.T) {
	cases := []struct {
		name   string
		date   data.Date
		title  string
		prefix string
	}{
		{"words", data.Date{Year: 2017, Month: 11, Day: 13}, "Soldier defects at the JSA!", "2017-11-13-soldier-defects-at-the-jsa-"},
		{"month", data.Date{Year: 1968, Month: 1}, "  Blue House raid -- 31 commandos ", "1968-01-blue-house-raid-31-commandos-"},
		{"year", data.Date{Year: 1974}, "Tunnel", "1974-tunnel-"},
		{"Korean title", data.Date{Year: 2017, Month: 11, Day: 13}, "판문점 귀순", "2017-11-13-"},
		{"no date", data.Date{}, "x", "incident-x-"},
		{"long title", data.Date{Year: 2017, Month: 11, Day: 13}, strings.Repeat("word ", 40), "2017-11-13-word-word-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &data.Incident{Date: tc.date, Title: tc.title}
			a, b := newID(in), newID(in)
			if !data.ValidID(a) || !strings.HasPrefix(a, tc.prefix) || len(a) > 80 || strings.Contains(a, "--") {
				t.Errorf("newID = %q, want a valid id starting %q", a, tc.prefix)
			}
			if a == b {
				t.Errorf("two ids for the same incident are both %q", a)
			}
			if _, err := url.PathUnescape(a); err != nil || url.PathEscape(a) != a {
				t.Errorf("%q is not URL-safe", a)
			}
		})
	}
}

// getETag returns the ETag GET /api/incidents/{id} sends.
func getETag(t *testing.T, s *Server, id string) string {
	t.Helper()
	r := get(t, s, "/api/incidents/"+id)
	if r.status != 200 || r.header.Get("ETag") == "" {
		t.Fatalf("GET %s: status %d, ETag %q", id, r.status, r.header.Get("ETag"))
	}
	return r.header.Get("ETag")
}

func TestPut(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
	const id = "2017-11-13-jsa"
	target := "/api/incidents/" + id
	etag := getETag(t, s, id)

	r := call(t, s, "PUT", target, withID(id), hdr(auth, geoJSON)...)
	if p := problemOfResponse(t, r, http.StatusPreconditionRequired); !strings.Contains(p.Detail, "If-Match") {
		t.Errorf("428 detail %q does not name If-Match", p.Detail)
	}
	r = call(t, s, "PUT", target, withID(id), hdr(auth, geoJSON, []string{"If-Match", `"stale"`})...)
	problemOfResponse(t, r, http.StatusPreconditionFailed)
	if in, _ := store.Get(id); in.Title != "JSA defection" {
		t.Fatalf("title %q after refused PUTs, want the old one", in.Title)
	}

	r = call(t, s, "PUT", target, newFeature, hdr(auth, geoJSON, []string{"If-Match", etag})...)
	if r.status != 200 {
		t.Fatalf("PUT: status %d, want 200; body %s", r.status, r.body)
	}
	if got := r.header.Get("ETag"); got == etag || got != data.ETag(r.body) || got != getETag(t, s, id) {
		t.Errorf("ETag after PUT %s: want a new one, the tag of the body and of GET", got)
	}
	if in, _ := store.Get(id); in.Title != "Soldier defects at the JSA!" {
		t.Errorf("title %q after PUT, want the new one", in.Title)
	}
	r = call(t, s, "PUT", target, newFeature, hdr(auth, geoJSON, []string{"If-Match", etag})...)
	problemOfResponse(t, r, http.StatusPreconditionFailed)

	r = call(t, s, "PUT", target, withID("2017-other"), hdr(auth, geoJSON, []string{"If-Match", getETag(t, s, id)})...)
	if p := problemOfResponse(t, r, http.StatusUnprocessableEntity); !slices.Equal(p.fields(), []string{"id"}) {
		t.Errorf("id mismatch: fields %q, want id", p.fields())
	}
	r = call(t, s, "PUT", target, strings.Replace(newFeature, `"high"`, `"certain"`, 1), hdr(auth, geoJSON, []string{"If-Match", getETag(t, s, id)})...)
	if p := problemOfResponse(t, r, http.StatusUnprocessableEntity); !slices.Equal(p.fields(), []string{"confidence"}) {
		t.Errorf("fields %q, want confidence", p.fields())
	}
	r = call(t, s, "PUT", target, newFeature, hdr(auth, geoJSON, []string{"If-Match", `"a", ` + getETag(t, s, id) + `, "b"`})...)
	if r.status != 200 {
		t.Errorf("If-Match list holding the current tag: status %d, want 200; body %s", r.status, r.body)
	}
	r = call(t, s, "PUT", "/api/incidents/1999-never", newFeature, hdr(auth, geoJSON, []string{"If-Match", `"x"`})...)
	problemOfResponse(t, r, http.StatusNotFound)
}

func TestPatch(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
	const id = "2017-11-13-jsa"
	target := "/api/incidents/" + id
	etag := getETag(t, s, id)
	patch := `{"properties":{"title":"JSA defection of Oh Chong-song","note":"name from later reports"}}`

	r := call(t, s, "PATCH", target, patch, hdr(auth, patchCT)...)
	problemOfResponse(t, r, http.StatusPreconditionRequired)
	r = call(t, s, "PATCH", target, patch, hdr(auth, patchCT, []string{"If-Match", `"stale"`})...)
	problemOfResponse(t, r, http.StatusPreconditionFailed)
	r = call(t, s, "PATCH", target, patch, hdr(auth, geoJSON, []string{"If-Match", etag})...)
	problemOfResponse(t, r, http.StatusUnsupportedMediaType)
	if r.header.Get("Accept-Patch") != ContentTypeMergePatch {
		t.Errorf("Accept-Patch %q, want %q", r.header.Get("Accept-Patch"), ContentTypeMergePatch)
	}

	r = call(t, s, "PATCH", target, patch, hdr(auth, patchCT, []string{"If-Match", etag})...)
	if r.status != 200 {
		t.Fatalf("PATCH: status %d; body %s", r.status, r.body)
	}
	in, _ := store.Get(id)
	if in.Title != "JSA defection of Oh Chong-song" || in.Note != "name from later reports" || in.Summary == "" {
		t.Errorf("after PATCH: title %q, note %q, summary %q; want the patched title and note and the old summary", in.Title, in.Note, in.Summary)
	}
	if r.header.Get("ETag") != getETag(t, s, id) {
		t.Errorf("ETag %s is not the one GET sends", r.header.Get("ETag"))
	}

	r = call(t, s, "PATCH", target, `{"properties":{"type":"bogus","sources":null}}`, hdr(auth, patchCT, []string{"If-Match", "*"})...)
	if p := problemOfResponse(t, r, http.StatusUnprocessableEntity); !slices.Equal(p.fields(), []string{"sources", "type"}) {
		t.Errorf("fields %q, want sources and type", p.fields())
	}
	r = call(t, s, "PATCH", target, `{"id":"2017-other"}`, hdr(auth, patchCT, []string{"If-Match", "*"})...)
	problemOfResponse(t, r, http.StatusUnprocessableEntity)
	r = call(t, s, "PATCH", target, `[1]`, hdr(auth, patchCT, []string{"If-Match", "*"})...)
	problemOfResponse(t, r, http.StatusBadRequest)
	r = call(t, s, "PATCH", "/api/incidents/1999-never", patch, hdr(auth, patchCT, []string{"If-Match", "*"})...)
	problemOfResponse(t, r, http.StatusNotFound)
}

func TestDelete(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
	const id = "2017-11-13-jsa"
	target := "/api/incidents/" + id
	etag := getETag(t, s, id)

	problemOfResponse(t, call(t, s, "DELETE", target, "", auth...), http.StatusPreconditionRequired)
	problemOfResponse(t, call(t, s, "DELETE", target, "", hdr(auth, []string{"If-Match", `"stale"`})...), http.StatusPreconditionFailed)
	if _, err := store.Get(id); err != nil {
		t.Fatalf("incident gone after refused DELETEs: %v", err)
	}
	r := call(t, s, "DELETE", target, "", hdr(auth, []string{"If-Match", etag, HeaderChangeReason, "duplicate of another record"})...)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE: status %d, body %s; want 204 and no body", r.status, r.body)
	}
	problemOfResponse(t, get(t, s, target), http.StatusNotFound)
	for _, u := range []string{"/api/incidents", "/api/export.geojson"} {
		if fc := decodeCollection(t, get(t, s, u)); slices.Contains(fc.ids(), id) {
			t.Errorf("%s still lists %s", u, id)
		}
	}
	problemOfResponse(t, call(t, s, "DELETE", target, "", hdr(auth, []string{"If-Match", etag})...), http.StatusNotFound)
}

func TestReasonHeader(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, nil)
	cases := []struct {
		name, header, want string
	}{
		{"plain", "first report", "first report"},
		{"percent-encoded UTF-8", url.PathEscape("판문점 귀순 보도"), "판문점 귀순 보도"},
		{"a literal percent", "50% sure", "50% sure"},
		{"none", "", ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "2017-11-13-reason-" + string(rune('a'+i))
			r := call(t, s, "POST", "/api/incidents", withID(id), hdr(auth, geoJSON, []string{HeaderChangeReason, tc.header})...)
			if r.status != 201 {
				t.Fatalf("status %d; body %s", r.status, r.body)
			}
			revs, err := store.History(id)
			if err != nil || len(revs) != 1 || revs[0].Reason != tc.want {
				t.Errorf("history %+v, %v: want one revision with the reason %q", revs, err, tc.want)
			}
		})
	}
	r := call(t, s, "POST", "/api/incidents", newFeature, hdr(auth, geoJSON, []string{HeaderChangeReason, strings.Repeat("x", 501)})...)
	if p := problemOfResponse(t, r, http.StatusBadRequest); !slices.Equal(p.fields(), []string{HeaderChangeReason}) || !strings.Contains(p.Detail, "limit is 500") {
		t.Errorf("problem %+v does not name the header and its limit", p)
	}
}

func TestHistory(t *testing.T) {
	s, _, _ := newWriteServer(t, testToken, nil)
	const id = "2017-11-13-history"
	target := "/api/incidents/" + id
	r := call(t, s, "POST", "/api/incidents", withID(id), hdr(auth, geoJSON, []string{HeaderChangeReason, "reported today"})...)
	if r.status != 201 {
		t.Fatalf("POST: status %d; body %s", r.status, r.body)
	}
	r = call(t, s, "PATCH", target, `{"properties":{"casualties":{"wounded":2}}}`,
		hdr(auth, patchCT, []string{"If-Match", r.header.Get("ETag"), HeaderChangeReason, "a second soldier was hit"})...)
	if r.status != 200 {
		t.Fatalf("PATCH: status %d; body %s", r.status, r.body)
	}
	r = call(t, s, "DELETE", target, "", hdr(auth, []string{"If-Match", r.header.Get("ETag"), HeaderChangeReason, "duplicate"})...)
	if r.status != 204 {
		t.Fatalf("DELETE: status %d; body %s", r.status, r.body)
	}

	r = get(t, s, target+"/history")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("history: status %d, Content-Type %q; body %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var h struct {
		ID        string          `json:"id"`
		Revisions []data.Revision `json:"revisions"`
	}
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatal(err)
	}
	type rev struct {
		Rev     int
		Action  data.Action
		Reason  string
		Changed string
		Feature bool
	}
	var got []rev
	for _, r := range h.Revisions {
		if r.Time.IsZero() {
			t.Errorf("revision %d has no time", r.Rev)
		}
		got = append(got, rev{r.Rev, r.Action, r.Reason, strings.Join(r.Changed, ","), len(r.Feature) > 0})
	}
	want := []rev{
		{1, data.ActionCreate, "reported today", "casualties,confidence,date,date_precision,direction,geometry,location_note,location_precision_m,note,path,persons,place,sources,summary,tags,title,type", true},
		{2, data.ActionUpdate, "a second soldier was hit", "casualties", true},
		{3, data.ActionDelete, "duplicate", "", false},
	}
	if h.ID != id || !slices.Equal(got, want) {
		t.Errorf("history of %s:\n got %+v\nwant %+v", h.ID, got, want)
	}
	problemOfResponse(t, get(t, s, "/api/incidents/1999-never/history"), http.StatusNotFound)
	problemOfResponse(t, get(t, s, "/api/incidents/NOT-AN-ID/history"), http.StatusNotFound)
}

// TestReadOnlyStore shows that a store without writes refuses them even
// with the token.
func TestReadOnlyStore(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	s := New(readOnly{failingStore{}}, ts.mdl, nil, Config{Token: testToken})
	r := call(t, s, "POST", "/api/incidents", newFeature, hdr(auth, geoJSON)...)
	problemOfResponse(t, r, http.StatusForbidden)
}

type readOnly struct{ Store }

var _ Editor = (*data.Store)(nil)
