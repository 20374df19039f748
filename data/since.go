package data

import "math"

// Filter.Since (OGC's datetime) keeps the incidents whose date, as the
// period it names, ends on Since or later. That is not one range of date
// keys, but it is at most three: below Since only two keys can name a
// period that reaches it, the key of Since's year (YYYY0000, all of the
// year) and of its month (YYYYMM00, all of the month); every key from
// Since on does. So the grid counts a Since filter as up to three date
// ranges, each exactly, and the page is theirs in turn; ranges with no
// entry between them are joined first, so that datetime=1990-01-01/…
// (ranges 19900000, 19900100 and 19900101 on) is the one range of whole
// years from 19900000, which the blocks' tables count.

// dateRange is the date keys from from to to, inclusive; to 0 is open.
type dateRange struct{ from, to uint32 }

// sinceRanges returns the date keys from from to to (0: open) whose
// period ends on since or later, as at most three ranges in key order,
// joined where l holds no entry between them.
func (l entryList) sinceRanges(from, to, since uint32) []dateRange {
	hi := to
	if hi == 0 {
		hi = math.MaxUint32
	}
	rs := make([]dateRange, 0, 3)
	single := func(k uint32) {
		if k < since && k >= from && k <= hi && PeriodEnd(k) >= since {
			rs = append(rs, dateRange{k, k})
		}
	}
	year, month := yearStart(since), monthStart(since)
	single(year)
	if month != year {
		single(month)
	}
	if lo := max(from, since); lo <= hi {
		rs = append(rs, dateRange{lo, to})
	}
	// Join a range to the next where no entry's key lies between them.
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && out[n-1].to != 0 && out[n-1].to < r.from {
			gap := out[n-1].to + 1
			ci, i := l.seekDate(gap)
			if gap == r.from || ci == len(l.chunks) || l.chunks[ci][i].date >= r.from {
				out[n-1].to = r.to
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// pageSince is page for a matcher with since: the page of each of its
// date ranges in turn, their counts summed.
func (st indexState) pageSince(m *matcher, offset, limit int, add func(key string, at listPlace) error) (matched, returned int, err error) {
	for _, r := range st.entries.sinceRanges(m.from, m.to, m.since) {
		sub := *m
		sub.from, sub.to, sub.since, sub.hi = r.from, r.to, 0, r.to
		if r.to == 0 {
			sub.hi = math.MaxUint32
		}
		if limit > 0 && returned == limit {
			matched += st.grid.count(&sub)
			continue
		}
		skip, want := max(offset-matched, 0), 0
		if limit > 0 {
			want = limit - returned
		}
		n, got, err := st.page(&sub, skip, want, add)
		if err != nil {
			return matched, returned, err
		}
		matched, returned = matched+n, returned+got
	}
	return matched, returned, nil
}
