package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSinceRanges checks sinceRanges against every key of some years,
// odd ones (a day 00 of month 00, a month 13) included: a key is in one of
// the ranges exactly when it is from from to to and its period ends on
// since or later.
func TestSinceRanges(t *testing.T) {
	var keys []uint32
	for y := uint32(1998); y <= 2001; y++ {
		for md := uint32(0); md <= 1399; md++ {
			keys = append(keys, y*10000+md)
		}
	}
	list := func(dates ...uint32) entryList {
		es := make([]entry, len(dates))
		for i, d := range dates {
			es[i] = entry{date: d, key: string(rune(i))}
		}
		return chunked(es)
	}
	r := rand.New(rand.NewPCG(3, 4))
	lists := []entryList{list(), list(keys...), list(19990000, 19990100, 19990101, 19990315), list(19990005, 19990099, 19991300)}
	for range 3000 {
		from, to, since := keys[r.IntN(len(keys))], keys[r.IntN(len(keys))], keys[r.IntN(len(keys))]
		switch r.IntN(4) {
		case 0:
			from = since / 10000 * 10000
		case 1:
			to = 0
		case 2:
			since = since/100*100 + uint32(1+r.IntN(31))
		}
		for _, l := range lists {
			held := datesOfList(l)
			rs := l.sinceRanges(from, to, since)
			for i := 1; i < len(rs); i++ {
				if rs[i-1].to == 0 || rs[i-1].to >= rs[i].from {
					t.Fatalf("from %d to %d since %d: ranges %v not in order", from, to, since, rs)
				}
			}
			for _, k := range keys {
				want := k >= from && (to == 0 || k <= to) && PeriodEnd(k) >= since
				in := slices.ContainsFunc(rs, func(r dateRange) bool { return k >= r.from && (r.to == 0 || k <= r.to) })
				// A joined range may take in keys no entry has, no other.
				if want && !in || in && !want && slices.Contains(held, k) {
					t.Fatalf("from %d to %d since %d: key %d in %v is %v, want %v", from, to, since, k, rs, in, want)
				}
			}
		}
	}
}

func datesOfList(l entryList) []uint32 {
	var out []uint32
	l.ascend(0, 0, func(e *entry) bool { out = append(out, e.date); return true })
	return out
}

// TestQuerySinceFromTheGrid checks Query with Since (counted from the
// grid as up to three date ranges) against a scan of every entry: its
// numberMatched and its page, with offsets and limits.
func TestQuerySinceFromTheGrid(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(3000, 13, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for q := range 300 {
		f := randomFilter(r, s.index.snapshot())
		d := Date{Year: 1953 + r.IntN(75), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
		switch r.IntN(4) {
		case 0:
			d.Day = 1
		case 1:
			d.Month, d.Day = 1, 1
		}
		f.Since = d.Key()
		if r.IntN(3) > 0 {
			f.From = f.Since / 10000 * 10000 // as parseDatetime sets it
		}
		if f.To != 0 && f.To < f.From {
			f.To = 0
		}
		want := naiveMatches(s, &f)
		offset, limit := 0, 1+r.IntN(60)
		switch r.IntN(4) {
		case 0:
			offset = r.IntN(len(want) + 5)
		case 1:
			limit = 0
		}
		var wantKeys []string
		end := len(want)
		if limit > 0 {
			end = min(offset+limit, len(want))
		}
		for _, e := range want[min(offset, len(want)):end] {
			wantKeys = append(wantKeys, e.key)
		}
		var got []string
		m := compile(&f)
		matched, returned, err := s.index.state().pageSince(&m, offset, limit, func(k string, _ listPlace) error { got = append(got, k); return nil })
		if err != nil || matched != len(want) || returned != len(wantKeys) || !slices.Equal(got, wantKeys) {
			t.Fatalf("query %d %+v, offset %d, limit %d: %d matched, %d returned (%d keys), want %d and %d", q, f, offset, limit, matched, returned, len(got), len(want), len(wantKeys))
		}
		f.Offset, f.Limit = offset, limit
		n := 0
		res, err := s.Query(f, func([]byte) error { n++; return nil })
		if err != nil || res.Matched != len(want) || res.Returned != len(wantKeys) || n != len(wantKeys) {
			t.Fatalf("query %d: Query = %+v, %v; want %d matched, %d returned", q, res, err, len(want), len(wantKeys))
		}
	}
}
