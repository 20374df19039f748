package data

import (
	"math/rand/v2"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestFetcherFindsEveryKey reads lists of keys through the fetcher, which
// steps its cursor forward or seeks: near and far apart, missing, repeated
// and out of order. It must pass on exactly the stored ones, in the order
// asked.
func TestFetcherFindsEveryKey(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(Generate(3000, 5, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	var stored []string
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketByDate).ForEach(func(k, _ []byte) error {
			stored = append(stored, string(k))
			return nil
		})
	})
	every := func(step int) []string {
		var out []string
		for i := 0; i < len(stored); i += step {
			out = append(out, stored[i])
		}
		return out
	}
	r := rand.New(rand.NewPCG(8, 9))
	mixed := every(1)
	mixed = append(mixed[:1500:1500], "\x00\x00\x00\x00missing", stored[7], stored[7], "\xff\xff\xff\xffafter-all")
	mixed = append(mixed, every(97)...)
	shuffled := every(5)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	sparse := every(40)
	sparse = append(sparse, every(1)[2000:2100]...) // far apart, then near
	slices.Sort(sparse)
	reversed := every(3)
	slices.Reverse(reversed)

	cases := []struct {
		name string
		keys []string
	}{
		{"every key", every(1)},
		{"every other", every(2)},
		{"every 17th", every(17)},
		{"far apart then near", sparse},
		{"missing, repeated and behind", mixed},
		{"shuffled", shuffled},
		{"reversed", reversed},
	}
	isStored := map[string]bool{}
	for _, k := range stored {
		isStored[k] = true
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			f := &fetcher{s: s, bucket: bucketByDate,
				keep:  func(key string, v []byte) []byte { return []byte(key) },
				visit: func(b []byte) error { got = append(got, string(b)); return nil }}
			for _, k := range tc.keys {
				if err := f.add(k); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.flush(); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, k := range tc.keys {
				if isStored[k] {
					want = append(want, k)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d keys, want %d", len(got), len(want))
			}
		})
	}
}
