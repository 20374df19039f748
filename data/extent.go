package data

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

// Extent is where and when the members of a collection lie: the bound of
// their points, the date key of the first and the key whose period ends
// last (a date known to the month lasts to the month's end, so 2025-07
// ends after 2025-07-15; see PeriodEnd). N is how many there are; the rest
// is zero when N is.
type Extent struct {
	N           int
	Bound       orb.Bound
	First, Last uint32
}

func (x *Extent) add(p orb.Point, date uint32) {
	if x.N == 0 {
		x.Bound, x.First, x.Last = p.Bound(), date, PeriodEnd(date)
	}
	x.N++
	x.Bound = x.Bound.Extend(p)
	x.First, x.Last = min(x.First, date), max(x.Last, PeriodEnd(date))
}

// Extents returns the extent of the incidents, from the in-memory index,
// and of their crossing points, whose places only their stored Features
// hold.
func (s *Store) Extents() (incidents, crossings Extent, err error) {
	var crossed []entry
	s.index.snapshot().ascend(0, 0, func(e *entry) bool {
		incidents.add(e.p, e.date)
		if e.ncross > 0 {
			crossed = append(crossed, *e)
		}
		return true
	})
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCrossings)
		for _, e := range crossed {
			for _, f := range bytes.Split(b.Get([]byte(e.key)), []byte{'\n'}) {
				if len(f) == 0 {
					continue
				}
				p, err := pointOf(f)
				if err != nil {
					return fmt.Errorf("a stored crossing point: %w", err)
				}
				crossings.add(p, e.date)
			}
		}
		return nil
	})
	return incidents, crossings, err
}

// pointOf returns the point of a stored Feature.
func pointOf(feature []byte) (orb.Point, error) {
	var f struct {
		Geometry struct {
			Coordinates orb.Point `json:"coordinates"`
		} `json:"geometry"`
	}
	err := json.Unmarshal(feature, &f)
	return f.Geometry.Coordinates, err
}
