package data

import (
	"encoding/json"
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// fixture is a handful of incidents over several years, types and places.
func fixture() []*Incident {
	mk := func(id string, d Date, typ Type, dir Direction, p orb.Point, title string) *Incident {
		in := valid()
		in.ID, in.Date, in.Type, in.Direction, in.Location, in.Title = id, d, typ, dir, p, title
		return in
	}
	return []*Incident{
		mk("1962-05-28-us-soldier", Date{1962, 5, 28}, TypeCrossing, SouthToNorth, orb.Point{126.849, 38.0336}, "US soldier crosses north"),
		mk("1965-us-soldier", Date{1965, 0, 0}, TypeCrossing, SouthToNorth, orb.Point{126.82, 38.01}, "Another crossing north"),
		mk("1968-01-17-raid", Date{1968, 1, 17}, TypeInfiltration, NorthToSouth, orb.Point{126.9, 37.95}, "Commando raid"),
		mk("1969-12-shooting", Date{1969, 12, 0}, TypeShooting, NoDirection, orb.Point{127.5, 38.3}, "Firefight in the central sector"),
		mk("1970-01-01-tunnel", Date{1970, 1, 1}, TypeTunnel, NoDirection, orb.Point{128.1, 38.3}, "Tunnel found"),
		mk("2017-11-13-jsa", Date{2017, 11, 13}, TypeCrossing, NorthToSouth, orb.Point{126.6767, 37.9558}, "JSA defection"),
		mk("2017-06-13-central", Date{2017, 6, 13}, TypeCrossing, NorthToSouth, orb.Point{127.4, 38.3}, "Central front defection"),
	}
}

func ids(t *testing.T, s *Store, f Filter) []string {
	t.Helper()
	var out []string
	_, err := s.Query(f, func(b []byte) error {
		var v struct{ ID string }
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		out = append(out, v.ID)
		return nil
	})
	if err != nil {
		t.Fatalf("Query(%+v): %v", f, err)
	}
	return out
}

func TestStoreRoundTrip(t *testing.T) {
	s, _ := openStore(t)
	in := valid()
	if err := s.Put(in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Created.IsZero() || !got.Created.Equal(got.Updated) {
		t.Errorf("created %v updated %v: want both set and equal on first write", got.Created, got.Updated)
	}
	in.Created, in.Updated = got.Created, got.Updated
	if !reflect.DeepEqual(got, in) {
		t.Errorf("Get:\n got %+v\nwant %+v", got, in)
	}
	if _, err := s.Get("no-such-incident"); ErrorKind(err) != KindNotFound {
		t.Errorf("Get(unknown) = %v, want not found", err)
	}
	if n, _ := s.Count(); n != 1 {
		t.Errorf("Count() = %d, want 1", n)
	}
}

func TestStorePutKeepsCreatedAndMovesDateIndex(t *testing.T) {
	s, _ := openStore(t)
	in := valid()
	if err := s.Put(in); err != nil {
		t.Fatal(err)
	}
	created := in.Created
	v1, _ := s.Version()
	time.Sleep(1100 * time.Millisecond)
	in.Date = Date{2018, 1, 1}
	if err := s.Put(in); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(in.ID)
	if !got.Created.Equal(created) || !got.Updated.After(created) {
		t.Errorf("created %v updated %v, want created kept at %v and updated later", got.Created, got.Updated, created)
	}
	lo, hi := YearRange(2017, 2017)
	if got := ids(t, s, Filter{From: lo, To: hi}); len(got) != 0 {
		t.Errorf("2017 still lists %v after the date moved", got)
	}
	lo, hi = YearRange(2018, 2018)
	if got := ids(t, s, Filter{From: lo, To: hi}); !reflect.DeepEqual(got, []string{in.ID}) {
		t.Errorf("2018 lists %v, want [%s]", got, in.ID)
	}
	if v2, _ := s.Version(); v2.Changes <= v1.Changes {
		t.Errorf("change counter %d → %d, want it to grow", v1.Changes, v2.Changes)
	}
}

func TestStorePutIsAllOrNothing(t *testing.T) {
	s, _ := openStore(t)
	ins := fixture()
	ins[3].Sources = nil
	err := s.Put(ins...)
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 || *e.Fields[0].Index != 3 {
		t.Fatalf("Put with a bad fourth incident = %v, want an error naming index 3", err)
	}
	if n, _ := s.Count(); n != 0 {
		t.Errorf("Count() = %d after a refused batch, want 0", n)
	}
}

func TestStoreQuery(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(fixture()...); err != nil {
		t.Fatal(err)
	}
	y := func(from, to int) Filter { lo, hi := YearRange(from, to); return Filter{From: lo, To: hi} }
	with := func(f Filter, change func(*Filter)) Filter { change(&f); return f }
	cases := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all in date order", Filter{}, []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting", "1970-01-01-tunnel", "2017-06-13-central", "2017-11-13-jsa"}},
		{"one year", y(2017, 2017), []string{"2017-06-13-central", "2017-11-13-jsa"}},
		{"the 1960s", y(1960, 1969), []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting"}},
		{"from only", y(1969, 0), []string{"1969-12-shooting", "1970-01-01-tunnel", "2017-06-13-central", "2017-11-13-jsa"}},
		{"to only", y(0, 1962), []string{"1962-05-28-us-soldier"}},
		{"empty range", y(1990, 2000), nil},
		{"type", Filter{Types: []Type{TypeTunnel, TypeShooting}}, []string{"1969-12-shooting", "1970-01-01-tunnel"}},
		{"direction", Filter{Directions: []Direction{SouthToNorth}}, []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"sector jsa", Filter{Sectors: []geo.Sector{geo.JSA}}, []string{"2017-11-13-jsa"}},
		{"sector eastern", Filter{Sectors: []geo.Sector{geo.Eastern}}, []string{"1970-01-01-tunnel"}},
		{"bbox", Filter{BBox: &orb.Bound{Min: orb.Point{127, 38}, Max: orb.Point{128.5, 38.5}}}, []string{"1969-12-shooting", "1970-01-01-tunnel", "2017-06-13-central"}},
		{"text all words", Filter{Text: "Front DEFECTION"}, []string{"2017-06-13-central"}},
		{"text no match", Filter{Text: "submarine"}, nil},
		{"combined", with(y(2017, 2017), func(f *Filter) { f.Types = []Type{TypeCrossing}; f.Text = "central" }), []string{"2017-06-13-central"}},
		{"limit", Filter{Limit: 2}, []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"offset and limit", Filter{Offset: 5, Limit: 10}, []string{"2017-06-13-central", "2017-11-13-jsa"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(t, s, tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
		})
	}
	res, _ := s.Query(Filter{Offset: 1, Limit: 2}, func([]byte) error { return nil })
	if res.Matched != 7 || res.Returned != 2 {
		t.Errorf("Result = %+v, want 7 matched, 2 returned", res)
	}
}

// TestQueryReadsOnlyWhatItReturns checks that a year query with a limit
// reads from bbolt only the Features it returns, however many incidents
// other years hold, and still counts every match.
func TestQueryReadsOnlyWhatItReturns(t *testing.T) {
	s, _ := openStore(t)
	var ins []*Incident
	for i := 0; i < 3000; i++ {
		in := valid()
		in.ID = fmt.Sprintf("bulk-%04d", i)
		in.Date = Date{1980 + i%30, 1 + i%12, 1 + i%28}
		ins = append(ins, in)
	}
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	lo, hi := YearRange(1995, 1995)
	before := s.reads.Load()
	res, err := s.Query(Filter{From: lo, To: hi, Limit: 7}, func([]byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 100 || res.Returned != 7 {
		t.Errorf("Result = %+v, want 100 matched and 7 returned", res)
	}
	if n := s.reads.Load() - before; n != 7 {
		t.Errorf("the query read %d values from bbolt, want the 7 it returned", n)
	}
}

func TestStoreCrossingsAndYears(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(fixture()...); err != nil {
		t.Fatal(err)
	}
	var n int
	res, err := s.Crossings(Filter{}, func(b []byte) error {
		var f struct{ Properties crossingProps }
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		if f.Properties.Direction == NoDirection {
			t.Errorf("crossing %s has no direction", f.Properties.IncidentID)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || res.Matched != 5 || res.Returned != 5 {
		t.Errorf("crossings: visited %d, result %+v; want 5 (the incidents with a direction)", n, res)
	}
	years, err := s.Years(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []YearCount{
		{1962, 1, map[Type]int{TypeCrossing: 1}},
		{1965, 1, map[Type]int{TypeCrossing: 1}},
		{1968, 1, map[Type]int{TypeInfiltration: 1}},
		{1969, 1, map[Type]int{TypeShooting: 1}},
		{1970, 1, map[Type]int{TypeTunnel: 1}},
		{2017, 2, map[Type]int{TypeCrossing: 2}},
	}
	if !reflect.DeepEqual(years, want) {
		t.Errorf("Years() = %v, want %v", years, want)
	}
	years, _ = s.Years(Filter{Text: "defection"})
	if len(years) != 1 || years[0].Total != 2 {
		t.Errorf("Years(text) = %v, want 2017 with 2", years)
	}
}

func TestStoreSurvivesReopen(t *testing.T) {
	s, path := openStore(t)
	if err := s.Put(fixture()...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(path, mdl(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	lo, hi := YearRange(2017, 2017)
	if got := ids(t, s2, Filter{From: lo, To: hi}); len(got) != 2 {
		t.Errorf("after reopen 2017 lists %v, want 2", got)
	}
	if n, _ := s2.Count(); n != 7 {
		t.Errorf("after reopen Count() = %d, want 7", n)
	}
}

func TestOpenHeldFileFailsFast(t *testing.T) {
	_, path := openStore(t)
	start := time.Now()
	_, err := Open(path, mdl(t), Options{Timeout: 200 * time.Millisecond})
	if ErrorKind(err) != KindUnavailable {
		t.Fatalf("second Open = %v, want in use", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second Open took %v, want about the 200ms timeout", d)
	}
}

func TestSeedIfEmptyOnlyOnce(t *testing.T) {
	s, _ := openStore(t)
	calls := 0
	seed := func() ([]*Incident, error) { calls++; return fixture(), nil }
	if ok, err := s.SeedIfEmpty(seed); !ok || err != nil {
		t.Fatalf("first SeedIfEmpty = %v, %v", ok, err)
	}
	if ok, err := s.SeedIfEmpty(seed); ok || err != nil || calls != 1 {
		t.Errorf("second SeedIfEmpty = %v, %v after %d calls; want no reseed", ok, err, calls)
	}
}

// TestSpatialPlanAgreesWithScan runs random bbox and date queries through
// the planner and through a plain filter over every incident.
func TestSpatialPlanAgreesWithScan(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(3000, 7, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	// Move and delete some, so the index must have followed the writes.
	for i := 0; i < 50; i++ {
		ins[i].Location = orb.Point{ins[i].Location[0] + 0.2, ins[i].Location[1]}
		ins[i].Path = nil
		if _, err := s.Update(ins[i], "*", "moved"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ins[1000+i].ID, "*", "gone"); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	planned := 0
	for q := 0; q < 200; q++ {
		lon, lat := 126.5+r.Float64()*1.8, 37.7+r.Float64()*0.9
		w, h := r.Float64()*0.5, r.Float64()*0.3
		b := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + w, lat + h}}
		from, to := YearRange(1953+r.IntN(70), 0)
		if r.IntN(2) == 0 {
			_, to = YearRange(0, int(from/10000)+r.IntN(20))
		}
		f := Filter{From: from, To: to, BBox: &b}
		m := compile(&f)
		if _, ok := s.index.plan(&f, &m, s.index.snapshot()); ok {
			planned++
		}
		var want []string
		for _, in := range ins {
			k := in.Date.Key()
			if in.ID >= "gen-0001000" && in.ID < "gen-0001050" {
				continue
			}
			if b.Contains(in.Location) && k >= from && (to == 0 || k <= to) {
				want = append(want, in.ID)
			}
		}
		got := ids(t, s, f)
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("query %d (%v %d–%d): got %d ids, want %d", q, b, from, to, len(got), len(want))
		}
	}
	if planned < 20 {
		t.Errorf("only %d of 200 queries used the spatial index", planned)
	}
}

func TestCrossingsWindowCountsPoints(t *testing.T) {
	s, _ := openStore(t)
	on, _, _ := mdl(t).Nearest(orb.Point{127.4, 38.3})
	const d = 3.0 / 111.0
	zig := valid()
	zig.ID, zig.Date, zig.Location = "2017-06-13-zigzag", Date{2017, 6, 13}, orb.Point{on[0], on[1] - d}
	zig.Path = orb.LineString{{on[0], on[1] + d}, {on[0], on[1] - d}, {on[0] + 0.001, on[1] + d}, {on[0] + 0.002, on[1] - d}}
	zig.Title = "Zigzag walker"
	other := valid() // one estimated point, dated later
	if err := s.Put(zig, other); err != nil {
		t.Fatal(err)
	}
	collect := func(f Filter) ([]string, Result) {
		var got []string
		res, err := s.Crossings(f, func(b []byte) error {
			var v struct{ ID string }
			json.Unmarshal(b, &v)
			got = append(got, v.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, res
	}
	all, res := collect(Filter{})
	want := []string{"2017-06-13-zigzag-x1", "2017-06-13-zigzag-x2", "2017-06-13-zigzag-x3", "2017-11-13-jsa-defection-x1"}
	if !reflect.DeepEqual(all, want) || res.Matched != 4 {
		t.Fatalf("crossings = %v (%+v), want %v", all, res, want)
	}
	got, res := collect(Filter{Offset: 1, Limit: 2})
	if !reflect.DeepEqual(got, want[1:3]) || res.Matched != 4 || res.Returned != 2 {
		t.Errorf("offset 1 limit 2 = %v (%+v), want %v", got, res, want[1:3])
	}
	got, res = collect(Filter{Offset: 2, Text: "zigzag"})
	if !reflect.DeepEqual(got, want[2:3]) || res.Matched != 3 {
		t.Errorf("text zigzag offset 2 = %v (%+v), want %v", got, res, want[2:3])
	}
}

// TestSchema1Upgrade opens a database of schema version 1, which has no
// records bucket: read-only it loads its index from the date index; a
// writable Open fills the records bucket once and records version 2. The
// queries answer the same all along.
func TestSchema1Upgrade(t *testing.T) {
	s, path := openStore(t)
	if err := s.Put(Generate(600, 11, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	from, to := YearRange(1990, 2010)
	box := orb.Bound{Min: orb.Point{126.8, 37.8}, Max: orb.Point{127.4, 38.4}}
	filters := []Filter{{}, {From: from, To: to}, {BBox: &box}, {Types: []Type{TypeCrossing}, Directions: []Direction{NorthToSouth}}}
	answers := func(s *Store) [][]string {
		var out [][]string
		for _, f := range filters {
			out = append(out, ids(t, s, f))
		}
		res, err := s.Crossings(Filter{}, func([]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return append(out, []string{fmt.Sprint(res.Matched)})
	}
	want := answers(s)
	s.Close()

	// Make it a version 1 database.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketRecords); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte("1"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	for _, readOnly := range []bool{true, false} {
		s, err := Open(path, mdl(t), Options{ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		if got := answers(s); !reflect.DeepEqual(got, want) {
			t.Errorf("read-only %v: the answers differ from version 2's", readOnly)
		}
		var schema string
		var records int
		s.db.View(func(tx *bolt.Tx) error {
			schema = string(tx.Bucket(bucketMeta).Get(keySchema))
			if b := tx.Bucket(bucketRecords); b != nil {
				records = b.Stats().KeyN
			}
			return nil
		})
		wantSchema, wantRecords := "2", 600
		if readOnly {
			wantSchema, wantRecords = "1", 0
		}
		if schema != wantSchema || records != wantRecords {
			t.Errorf("read-only %v: schema %q with %d records, want %q with %d", readOnly, schema, records, wantSchema, wantRecords)
		}
		s.Close()
	}
}
