package data

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEntryListFollowsChanges applies random batches of changes, small
// ones one by one and large ones merged, and checks the list against a
// map of what it must hold: every entry in key order, each once, in chunks
// of allowed sizes, found by key and by date.
func TestEntryListFollowsChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ix := newMemIndex()
	want := map[string]entry{}
	keyOf := func(date uint32, id int) string {
		return string([]byte{byte(date >> 24), byte(date >> 16), byte(date >> 8), byte(date)}) + fmt.Sprintf("id-%05d", id)
	}
	current := map[int]string{} // id → its key now
	for round := range 300 {
		n := 1 + r.IntN(8)
		if round%10 == 0 {
			n = rebuildAt + r.IntN(3000)
		}
		var changes []indexChange
		touched := map[int]bool{}
		for range n {
			id := r.IntN(20000)
			if touched[id] {
				continue // a batch changes each incident once, as Import does
			}
			touched[id] = true
			var c indexChange
			if k, ok := current[id]; ok {
				c.old = want[k]
				delete(want, k)
				delete(current, id)
			}
			if r.IntN(4) > 0 {
				date := uint32(19530101 + r.IntN(720000))
				c.new = entry{key: keyOf(date, id), date: date, typ: uint8(r.IntN(8))}
				want[c.new.key] = c.new
				current[id] = c.new.key
			}
			if c.old.key != "" || c.new.key != "" {
				changes = append(changes, c)
			}
		}
		ix.apply(changes)

		l := ix.snapshot()
		var got []string
		for ci, c := range l.chunks {
			if len(c) == 0 || len(c) > 2*chunkSize {
				t.Fatalf("round %d: chunk %d holds %d entries", round, ci, len(c))
			}
			if l.starts[ci] != len(got) {
				t.Fatalf("round %d: chunk %d starts at %d, want %d", round, ci, l.starts[ci], len(got))
			}
			for _, e := range c {
				got = append(got, e.key)
			}
		}
		keys := slices.Sorted(maps.Keys(want))
		if !slices.Equal(got, keys) || l.len() != len(keys) {
			t.Fatalf("round %d: the list holds %d keys (len %d), want %d", round, len(got), l.len(), len(keys))
		}
		for q := range 40 {
			date := uint32(19530101 + r.IntN(730000))
			if q%2 == 1 { // a year's start, or past its end (yearStarts)
				date = yearStartOf(uint32(1950+r.IntN(80))) + yearMarks[r.IntN(len(yearMarks))]
			}
			wantRank, _ := slices.BinarySearchFunc(keys, date, func(k string, d uint32) int {
				kd := uint32(k[0])<<24 | uint32(k[1])<<16 | uint32(k[2])<<8 | uint32(k[3])
				return int(kd) - int(d)
			})
			if got := l.rank(l.seekDate(date)); got != wantRank {
				t.Fatalf("round %d: the first entry dated %d is at %d, want %d", round, date, got, wantRank)
			}
		}
		for _, k := range keys[:min(len(keys), 20)] {
			if e := l.find(k); e == nil || *e != want[k] {
				t.Fatalf("round %d: find(%q) = %v, want %v", round, k, e, want[k])
			}
		}
		if e := l.find(keyOf(20990101, 99999)); e != nil {
			t.Fatalf("round %d: found a key never added", round)
		}
	}
}

// TestEntryListKeepsSnapshots checks that a list taken before a change
// still reads as it did: changes copy, never write in place.
func TestEntryListKeepsSnapshots(t *testing.T) {
	var sorted []entry
	for i := range 3 * chunkSize {
		sorted = append(sorted, entry{key: fmt.Sprintf("k%06d", 2*i)})
	}
	before := chunked(sorted)
	keys := func(l entryList) []string {
		var out []string
		l.ascend(0, 0, func(e *entry) bool { out = append(out, e.key); return true })
		return out
	}
	was := keys(before)
	want := map[string]bool{}
	for _, k := range was {
		want[k] = true
	}
	after := before
	for i := range 2 * chunkSize {
		add, del := fmt.Sprintf("k%06d", 2*i+1), fmt.Sprintf("k%06d", 4*i)
		after = after.with(entry{key: add}).without(del)
		want[add] = true
		delete(want, del)
	}
	if got := keys(before); !slices.Equal(got, was) {
		t.Errorf("the list before the changes now reads differently")
	}
	if got := keys(after); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("after the changes the list holds %d keys, want %d", len(got), len(want))
	}
}
