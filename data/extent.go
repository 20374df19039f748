package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

// Extent is where and when the members of a collection lie: the bound of
// their points and their first and last date keys. N is how many there
// are; the rest is zero when N is.
type Extent struct {
	N           int
	Bound       orb.Bound
	First, Last uint32
}

func (x *Extent) add(p orb.Point, date uint32) {
	if x.N == 0 {
		x.Bound, x.First, x.Last = p.Bound(), date, date
	}
	x.N++
	x.Bound = x.Bound.Extend(p)
	x.First, x.Last = min(x.First, date), max(x.Last, date)
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

// Crossing returns the stored Feature of one crossing point: id is its
// incident's id and -x1, -x2, … in the order of the points along the path.
// A malformed id or one of no stored point is an error of KindNotFound.
func (s *Store) Crossing(id string) ([]byte, error) {
	notFound := &Error{Kind: KindNotFound, Message: fmt.Sprintf("no crossing point has the id %q", id)}
	i := strings.LastIndex(id, "-x")
	if i < 0 || !ValidID(id[:i]) {
		return nil, notFound
	}
	n, ok := parseDigits(id[i+2:])
	if !ok || n == 0 || strconv.Itoa(n) != id[i+2:] {
		return nil, notFound
	}
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		k := storedKey(tx, id[:i])
		if k == nil {
			return notFound
		}
		points := bytes.Split(tx.Bucket(bucketCrossings).Get(k), []byte{'\n'})
		if n > len(points) || len(points[n-1]) == 0 {
			return notFound
		}
		out = bytes.Clone(points[n-1])
		return nil
	})
	return out, err
}
