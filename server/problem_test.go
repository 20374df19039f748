package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestBadInput(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		name   string
		url    string
		status int
		param  string // the parameter the problem must name; "" for none
		says   string // words the message must hold
	}{
		{"year not a number", "/api/incidents?year=abc", 400, "year", "expected a year like 2017"},
		{"year of two digits", "/api/incidents?year=17", 400, "year", "expected a year like 2017"},
		{"year signed", "/api/incidents?year=+2017", 400, "year", "expected a year like 2017"},
		{"year before the armistice", "/api/incidents?year=1950", 400, "year", "from 1953"},
		{"year in the future", "/api/incidents?year=2027", 400, "year", "to 2026"},
		{"from not a number", "/api/incidents?from=abc", 400, "from", "expected a year"},
		{"to not a number", "/api/incidents?to=20x5", 400, "to", "expected a year"},
		{"from after to", "/api/incidents?from=2000&to=1990", 400, "from", "after to=1990"},
		{"year with from", "/api/incidents?year=2017&from=2010", 400, "year", "cannot be combined"},
		{"year with to", "/api/incidents?year=2017&to=2020", 400, "year", "cannot be combined"},
		{"bbox of three numbers", "/api/incidents?bbox=126,37,127", 400, "bbox", "has 3 numbers"},
		{"bbox of five numbers", "/api/incidents?bbox=126,37,127,38,5", 400, "bbox", "has 5 numbers"},
		{"bbox not numbers", "/api/incidents?bbox=a,b,c,d", 400, "bbox", "not a number"},
		{"bbox NaN", "/api/incidents?bbox=NaN,37,127,38", 400, "bbox", "not a finite number"},
		{"bbox infinite", "/api/incidents?bbox=126,37,Inf,38", 400, "bbox", "not a finite number"},
		{"bbox longitude out of range", "/api/incidents?bbox=200,37,201,38", 400, "bbox", "longitude 200 is out of range"},
		{"bbox latitude out of range", "/api/incidents?bbox=126,-91,127,38", 400, "bbox", "latitude -91 is out of range"},
		{"bbox south above north", "/api/incidents?bbox=126,38,127,37", 400, "bbox", "minLat 38 is above maxLat 37"},
		{"bbox crossing the antimeridian", "/api/incidents?bbox=170,37,-170,38", 400, "bbox", "antimeridian-crossing boxes are not supported"},
		{"unknown type", "/api/incidents?type=crossing,bogus", 400, "type", `"bogus" is not a known type`},
		{"unknown direction", "/api/incidents?direction=up", 400, "direction", "north_to_south, south_to_north, none"},
		{"unknown sector", "/api/incidents?sector=north", 400, "sector", "western, central, eastern, jsa"},
		{"q too long", "/api/incidents?q=" + strings.Repeat("a", 201), 400, "q", "the limit is 200"},
		{"q not UTF-8", "/api/incidents?q=%ff%fe", 400, "q", "UTF-8"},
		{"limit -1", "/api/incidents?limit=-1", 400, "limit", "not a whole number above 0"},
		{"limit 0", "/api/incidents?limit=0", 400, "limit", "not a whole number above 0"},
		{"limit not a number", "/api/incidents?limit=ten", 400, "limit", "expected a page size"},
		{"limit fraction", "/api/incidents?limit=1.5", 400, "limit", "expected a page size"},
		{"offset -1", "/api/incidents?offset=-1", 400, "offset", "not a whole number"},
		{"unknown parameter", "/api/incidents?colour=red", 400, "colour", "year, from, to, type, direction, sector, bbox, q, limit, offset"},
		{"unknown parameter quoted", "/api/incidents?a%20b=1", 400, `"a b"`, "is not a parameter"},
		{"repeated parameter", "/api/incidents?year=2017&year=2018", 400, "year", "more than once"},
		{"repeated list", "/api/incidents?type=crossing&type=tunnel", 400, "type", "comma-separated"},
		{"crossings bad year", "/api/crossings?year=abc", 400, "year", "expected a year"},
		{"crossings unknown parameter", "/api/crossings?foo=1", 400, "foo", "/api/crossings"},
		{"years bad bbox", "/api/years?bbox=1,2,3", 400, "bbox", "has 3 numbers"},
		{"years refuses limit", "/api/years?limit=5", 400, "limit", "year, from, to, type, direction, sector, bbox, q"},
		{"years refuses offset", "/api/years?offset=5", 400, "offset", "is not a parameter of /api/years"},
		{"export bad year", "/api/export.geojson?year=abc", 400, "year", "expected a year"},
		{"export from after to", "/api/export.geojson?from=2000&to=1990", 400, "from", "after"},
		{"export limit -1", "/api/export.geojson?limit=-1", 400, "limit", "above 0"},
		{"unknown id", "/api/incidents/no-such-incident", 404, "id", `no incident has the id "no-such-incident"`},
		{"malformed id", "/api/incidents/Not_An_Id", 404, "id", "3 to 80 characters"},
		{"unknown route", "/api/nope", 404, "", ""},
		{"unknown route case", "/API/INCIDENTS", 404, "", ""},
		{"no page without assets", "/", 404, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, s, tc.url)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if cd := r.header.Get("Content-Disposition"); cd != "" {
				t.Errorf("a problem with Content-Disposition %q", cd)
			}
			p := decodeProblem(t, r)
			if tc.param == "" {
				return
			}
			for _, e := range p.Errors {
				if e.Parameter == tc.param {
					if !strings.Contains(e.Message, tc.says) {
						t.Errorf("message %q does not say %q", e.Message, tc.says)
					}
					return
				}
			}
			t.Errorf("no error names the parameter %s: %+v", tc.param, p.Errors)
		})
	}
}

func TestBadInputListsEveryError(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	p := decodeProblem(t, get(t, s, "/api/incidents?year=abc&bbox=1,2,3&foo=1&foo=2&type=x&limit=-1"))
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Parameter)
	}
	want := []string{"foo", "year", "type", "bbox", "limit"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("errors name %v, want %v", got, want)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	r := do(t, s, httptest.NewRequest(http.MethodDelete, "/api/mdl", nil))
	if r.status != http.StatusMethodNotAllowed {
		t.Fatalf("status %d, want 405", r.status)
	}
	decodeProblem(t, r)
}

// TestBodyTooLarge goes through a real listener: fasthttp refuses the body
// before any handler, and app.Test reports that as its own error.
func TestBodyTooLarge(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	s := New(ts.store, ts.mdl, nil, Config{BodyLimit: 10})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Listen(ln) }()
	defer func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Listen: %v", err)
		}
	}()
	res, err := http.Post("http://"+ln.Addr().String()+"/api/incidents", "application/geo+json", strings.NewReader(strings.Repeat("x", 100)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := response{res.StatusCode, res.Header, body}
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413; body %s", r.status, body)
	}
	p := decodeProblem(t, r)
	if !strings.Contains(p.Detail, "limit of 10 bytes") {
		t.Errorf("detail %q does not give the limit", p.Detail)
	}
}

// failingStore fails every call, to reach the 500 path.
type failingStore struct{ err error }

func (f failingStore) Query(data.Filter, func([]byte) error) (data.Result, error) {
	return data.Result{}, f.err
}
func (f failingStore) Crossings(data.Filter, func([]byte) error) (data.Result, error) {
	return data.Result{}, f.err
}
func (f failingStore) CrossingPoints(data.Filter, func([]byte) error) (data.Result, error) {
	return data.Result{}, f.err
}
func (f failingStore) Crossing(string) ([]byte, error) { return nil, f.err }
func (f failingStore) Extents() (data.Extent, data.Extent, error) {
	return data.Extent{}, data.Extent{}, f.err
}
func (f failingStore) Years(data.Filter) ([]data.YearCount, error) { return nil, f.err }
func (f failingStore) Clusters(data.Filter, float64) ([]data.Cluster, data.Result, error) {
	return nil, data.Result{}, f.err
}
func (f failingStore) Feature(string) ([]byte, error) { return nil, f.err }

// panickingStore panics, to show that a panic becomes a 500 too.
// Version answers, so that the failure shows in the handler, not before it.
func (f failingStore) Version() (data.Version, error) { return data.Version{}, nil }

type panickingStore struct{ failingStore }

func (panickingStore) Years(data.Filter) ([]data.YearCount, error) { panic("boom") }

func TestInternalError(t *testing.T) {
	ts, _, logs := newTestServer(t, nil)
	cause := errors.New("disk on fire")
	for _, st := range []Store{failingStore{cause}, panickingStore{failingStore{cause}}} {
		logs.Reset()
		s := New(st, ts.mdl, ts.log, Config{})
		for _, url := range []string{"/api/incidents", "/api/incidents/2017-11-13-jsa", "/api/crossings", "/api/years"} {
			r := get(t, s, url)
			if r.status != http.StatusInternalServerError {
				t.Errorf("%s: status %d, want 500", url, r.status)
				continue
			}
			p := decodeProblem(t, r)
			if p.Detail != "internal error" || strings.Contains(string(r.body), "fire") || strings.Contains(string(r.body), "boom") {
				t.Errorf("%s: problem %s shows more than \"internal error\"", url, r.body)
			}
		}
		if n := strings.Count(logs.String(), "level=ERROR"); n != 4 {
			t.Errorf("%d error lines logged, want one per request (4):\n%s", n, logs)
		}
		if !strings.Contains(logs.String(), "disk on fire") && !strings.Contains(logs.String(), "boom") {
			t.Errorf("the log does not hold the cause:\n%s", logs)
		}
	}
}

func TestUnavailable(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	s := New(failingStore{&data.Error{Kind: data.KindUnavailable, Message: "the database is busy"}}, ts.mdl, nil, Config{})
	r := get(t, s, "/api/years")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", r.status)
	}
	if p := decodeProblem(t, r); p.Detail != "the database is busy" {
		t.Errorf("detail %q, want the store's message", p.Detail)
	}
}

func TestStatusOfEveryKind(t *testing.T) {
	cases := []struct {
		kind data.Kind
		want int
	}{
		{data.KindInvalid, 400}, {data.KindUnauthorized, 401}, {data.KindForbidden, 403}, {data.KindNotFound, 404},
		{data.KindConflict, 409}, {data.KindPrecondition, 412}, {data.KindTooLarge, 413},
		{data.KindInternal, 500}, {data.KindUnavailable, 503},
	}
	for _, tc := range cases {
		if got := status(tc.kind); got != tc.want {
			t.Errorf("status(%d) = %d, want %d", tc.kind, got, tc.want)
		}
	}
}
