package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

var (
	mdlOnce sync.Once
	testMDL *geo.MDL
	mdlErr  error
)

func loadMDL(t testing.TB) *geo.MDL {
	t.Helper()
	mdlOnce.Do(func() { testMDL, mdlErr = data.LoadMDL() })
	if mdlErr != nil {
		t.Fatalf("LoadMDL: %v", mdlErr)
	}
	return testMDL
}

// testNow is the clock of the test server: years up to 2026 are valid.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func intp(n int) *int { return &n }

// fixture returns a few incidents over several years, types, directions and
// sectors; one has a path that crosses the MDL.
func fixture(mdl *geo.MDL) []*data.Incident {
	mk := func(id string, d data.Date, typ data.Type, dir data.Direction, p orb.Point, title, summary string) *data.Incident {
		return &data.Incident{
			ID: id, Title: title, Type: typ, Date: d, Location: p, LocationPrecisionM: 500,
			Direction: dir, Persons: "test persons", PersonsCount: intp(1),
			Casualties: data.Casualties{Killed: intp(0), Wounded: intp(0)},
			Summary:    summary,
			Sources:    []data.Source{{Title: "Test report", URL: "https://example.org/" + id, Publisher: "Example", Published: "2020-01-01"}},
			Confidence: data.ConfidenceHigh, Tags: []string{"test"},
		}
	}
	// A path from 3 km north of the line to 3 km south of it, through the
	// line's nearest point to a place in the central sector.
	onLine, _, _ := mdl.Nearest(orb.Point{127.4, 38.3})
	const dLat = 3.0 / 111.0
	path := orb.LineString{{onLine[0], onLine[1] + dLat}, {onLine[0], onLine[1] - dLat}}
	central := mk("2017-06-13-central", data.Date{Year: 2017, Month: 6, Day: 13}, data.TypeCrossing, data.NorthToSouth,
		path[1], "Central front defection", "A soldier walked south across the line.")
	central.Path = path
	return []*data.Incident{
		mk("1962-05-28-us-soldier", data.Date{Year: 1962, Month: 5, Day: 28}, data.TypeCrossing, data.SouthToNorth,
			orb.Point{126.849, 38.0336}, "US soldier crosses north", "A private walked north over the line."),
		mk("1965-us-soldier", data.Date{Year: 1965}, data.TypeCrossing, data.SouthToNorth,
			orb.Point{126.82, 38.01}, "Another crossing north", "A sergeant crossed north."),
		mk("1968-01-17-raid", data.Date{Year: 1968, Month: 1, Day: 17}, data.TypeInfiltration, data.NorthToSouth,
			orb.Point{126.9, 37.95}, "Commando raid", "Commandos cut the fence and went south."),
		mk("1969-12-shooting", data.Date{Year: 1969, Month: 12}, data.TypeShooting, data.NoDirection,
			orb.Point{127.5, 38.3}, "Firefight in the central sector", "Guard posts exchanged fire."),
		mk("1978-10-17-tunnel", data.Date{Year: 1978, Month: 10, Day: 17}, data.TypeTunnel, data.NoDirection,
			orb.Point{128.1, 38.3}, "Tunnel found", "A tunnel was found in the east."),
		central,
		mk("2017-11-13-jsa", data.Date{Year: 2017, Month: 11, Day: 13}, data.TypeCrossing, data.NorthToSouth,
			orb.Point{126.6767, 37.9558}, "JSA defection", "A soldier drove to the JSA and ran south under fire."),
		mk("2025-07-guiding-operation", data.Date{Year: 2025, Month: 7}, data.TypeCrossing, data.NorthToSouth,
			orb.Point{126.95, 38.05}, "Man crosses in the central-west section", "Ended by a 20-hour guiding operation."),
	}
}

// newTestServer returns a server over a new store in t.TempDir() holding ins,
// and the buffer its log goes to.
func newTestServer(t testing.TB, ins []*data.Incident) (*Server, *data.Store, *bytes.Buffer) {
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
	s := New(store, mdl, slog.New(slog.NewTextHandler(&logs, nil)), Config{})
	s.now = func() time.Time { return testNow }
	return s, store, &logs
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t testing.TB, s *Server, url string) response {
	t.Helper()
	return do(t, s, httptest.NewRequest(http.MethodGet, url, nil))
}

func do(t testing.TB, s *Server, req *http.Request) response {
	t.Helper()
	res, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return response{res.StatusCode, res.Header, b}
}

// featureCollection is what the collection routes answer.
type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string          `json:"type"`
		ID       string          `json:"id"`
		Geometry json.RawMessage `json:"geometry"`
		Props    map[string]any  `json:"properties"`
	} `json:"features"`
	NumberMatched  *int          `json:"numberMatched"`
	NumberReturned *int          `json:"numberReturned"`
	Dataset        *data.Dataset `json:"dataset"`
	Attribution    string        `json:"attribution"`
}

func (fc featureCollection) ids() []string {
	out := []string{}
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

func decodeCollection(t testing.TB, r response) featureCollection {
	t.Helper()
	var fc featureCollection
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		t.Fatalf("decoding the FeatureCollection: %v\n%s", err, r.body)
	}
	if fc.Type != "FeatureCollection" || fc.Features == nil {
		t.Fatalf("type %q, features %v: want a FeatureCollection with a features array", fc.Type, fc.Features)
	}
	return fc
}

type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Parameter string `json:"parameter"`
		Field     string `json:"field"`
		Message   string `json:"message"`
	} `json:"errors"`
}

func decodeProblem(t testing.TB, r response) problemDoc {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != ContentTypeProblem {
		t.Fatalf("Content-Type %q, want %q; body %s", ct, ContentTypeProblem, r.body)
	}
	var p problemDoc
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decoding the problem: %v\n%s", err, r.body)
	}
	if p.Type != "about:blank" || p.Status != r.status || p.Title != http.StatusText(r.status) || p.Detail == "" || p.Errors == nil {
		t.Errorf("problem %+v does not match status %d or lacks a detail or errors", p, r.status)
	}
	return p
}
