package server

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// importSet returns the fixture under new ids (imp-…), for importing into
// a store holding the fixture; bad, if not nil, spoils the incident at
// that position.
func importSet(t *testing.T, bad func(i int, in *data.Incident)) []*data.Incident {
	t.Helper()
	ins := fixture(loadMDL(t))
	for i, in := range ins {
		in.ID = "imp-" + in.ID
		if bad != nil {
			bad(i, in)
		}
	}
	return ins
}

func csvOf(t *testing.T, ins []*data.Incident) string {
	t.Helper()
	var b bytes.Buffer
	cw, err := data.NewCSVWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		f, err := data.EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := cw.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func collectionOf(t *testing.T, ins []*data.Incident) string {
	t.Helper()
	var fs []json.RawMessage
	for _, in := range ins {
		f, err := data.EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b)
}

var csvCT = []string{"Content-Type", "text/csv; charset=utf-8"}

func TestImport(t *testing.T) {
	n := len(fixture(loadMDL(t)))
	spoil := func(at int) func(int, *data.Incident) {
		return func(i int, in *data.Incident) {
			if i == at {
				in.Type, in.Confidence = "bogus", "sure"
			}
		}
	}
	cases := []struct {
		name    string
		target  string
		body    func(t *testing.T) string
		ct      []string
		status  int
		created int
		updated int
		fields  []string // of the problem: index:field
		stored  int      // incidents after the request
	}{
		{"CSV", "/api/import", func(t *testing.T) string { return csvOf(t, importSet(t, nil)) }, csvCT, 200, n, 0, nil, 2 * n},
		{"CSV dry run", "/api/import?dry_run=true", func(t *testing.T) string { return csvOf(t, importSet(t, nil)) }, csvCT, 200, n, 0, nil, n},
		{"CSV with a bad row in the middle", "/api/import", func(t *testing.T) string { return csvOf(t, importSet(t, spoil(3))) }, csvCT, 422, 0, 0,
			[]string{"5:confidence", "5:type"}, n},
		{"CSV with a bad row, dry run", "/api/import?dry_run=true", func(t *testing.T) string { return csvOf(t, importSet(t, spoil(3))) }, csvCT, 422, 0, 0,
			[]string{"5:confidence", "5:type"}, n},
		{"CSV with a blank line and a repeated id", "/api/import", func(t *testing.T) string {
			rows := strings.SplitAfter(csvOf(t, importSet(t, nil)), "\n")
			dup := strings.Replace(rows[1], "imp-1962-05-28-us-soldier", "imp-1978-10-17-tunnel", 1)
			return strings.Join(slices.Concat(rows[:3], []string{"  \n"}, rows[3:len(rows)-1], []string{dup}), "")
		}, csvCT, 422, 0, 0, []string{"11:id"}, n},
		{"CSV of ids already stored", "/api/import", func(t *testing.T) string {
			rows := strings.SplitAfter(csvOf(t, fixture(loadMDL(t))), "\n")
			return strings.Join(slices.Concat(rows[:2], []string{" \n"}, rows[2:4]), "")
		}, csvCT, 409, 0, 0, []string{"2:id", "4:id", "5:id"}, n},
		{"CSV upsert", "/api/import?mode=upsert", func(t *testing.T) string {
			return csvOf(t, append(fixture(loadMDL(t))[:2], importSet(t, nil)[:3]...))
		}, csvCT, 200, 3, 2, nil, n + 3},
		{"GeoJSON", "/api/import", func(t *testing.T) string { return collectionOf(t, importSet(t, nil)) }, geoJSON, 200, n, 0, nil, 2 * n},
		{"GeoJSON as JSON, dry run", "/api/import?dry_run=true&mode=create", func(t *testing.T) string { return collectionOf(t, importSet(t, nil)) },
			[]string{"Content-Type", "application/json"}, 200, n, 0, nil, n},
		{"GeoJSON with a bad feature", "/api/import", func(t *testing.T) string { return collectionOf(t, importSet(t, spoil(2))) }, geoJSON, 422, 0, 0,
			[]string{"2:confidence", "2:type"}, n},
		{"GeoJSON of ids already stored", "/api/import", func(t *testing.T) string { return collectionOf(t, fixture(loadMDL(t))[5:]) }, geoJSON, 409, 0, 0,
			[]string{"0:id", "1:id", "2:id"}, n},
		{"GeoJSON upsert", "/api/import?mode=upsert&dry_run=false", func(t *testing.T) string { return collectionOf(t, fixture(loadMDL(t))) }, geoJSON, 200, 0, n, nil, n},
		{"GeoJSON upsert, dry run", "/api/import?mode=upsert&dry_run=true", func(t *testing.T) string {
			return collectionOf(t, append(fixture(loadMDL(t)), importSet(t, nil)...))
		}, geoJSON, 200, n, n, nil, n},
		{"malformed CSV", "/api/import", func(t *testing.T) string { return csvOf(t, nil) + "x,\"unclosed\n" }, csvCT, 400, 0, 0, nil, n},
		{"CSV header only", "/api/import", func(t *testing.T) string { return strings.SplitAfter(csvOf(t, nil), "\n")[0] }, csvCT, 200, 0, 0, nil, n},
		{"CSV without a column", "/api/import", func(*testing.T) string { return "id,title\nx,y\n" }, csvCT, 422, 0, 0, []string{"1:header"}, n},
		{"not a FeatureCollection", "/api/import", func(*testing.T) string { return `{"type":"Feature"}` }, geoJSON, 400, 0, 0, nil, n},
		{"another type", "/api/import", func(*testing.T) string { return "x" }, []string{"Content-Type", "text/plain"}, 415, 0, 0, nil, n},
		{"unknown mode", "/api/import?mode=update", func(*testing.T) string { return "x" }, csvCT, 400, 0, 0, nil, n},
		{"dry_run not a boolean", "/api/import?dry_run=yes", func(*testing.T) string { return "x" }, csvCT, 400, 0, 0, nil, n},
		{"unknown parameter", "/api/import?force=true", func(*testing.T) string { return "x" }, csvCT, 400, 0, 0, nil, n},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, store, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
			before, _ := store.Version()
			r := call(t, s, "POST", tc.target, tc.body(t), hdr(auth, tc.ct, []string{HeaderChangeReason, "bulk test"})...)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("status %d, want 200; body %s", r.status, r.body)
				}
				var res map[string]any
				if err := json.Unmarshal(r.body, &res); err != nil {
					t.Fatal(err)
				}
				dry := strings.Contains(tc.target, "dry_run=true")
				want := map[string]any{"created": float64(tc.created), "updated": float64(tc.updated), "dry_run": dry}
				if !equalJSON(res, want) {
					t.Errorf("answer %v, want %v", res, want)
				}
			} else {
				p := problemOfResponse(t, r, tc.status)
				if tc.fields != nil && !slices.Equal(p.fields(), tc.fields) {
					t.Errorf("fields %q, want %q\n%s", p.fields(), tc.fields, r.body)
				}
				if after, _ := store.Version(); after.Changes != before.Changes {
					t.Errorf("a refused import wrote")
				}
			}
			if got, _ := store.Count(); got != tc.stored {
				t.Errorf("%d incidents stored, want %d", got, tc.stored)
			}
		})
	}
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestImportKeepsHistory(t *testing.T) {
	s, store, _ := newWriteServer(t, testToken, nil)
	r := call(t, s, "POST", "/api/import", csvOf(t, importSet(t, nil)), hdr(auth, csvCT, []string{HeaderChangeReason, "loaded from the 2026 sheet"})...)
	if r.status != 200 {
		t.Fatalf("status %d; body %s", r.status, r.body)
	}
	revs, err := store.History("imp-2017-11-13-jsa")
	if err != nil || len(revs) != 1 || revs[0].Reason != "loaded from the 2026 sheet" || revs[0].Action != data.ActionCreate {
		t.Errorf("history %+v, %v; want one create with the reason", revs, err)
	}
}
