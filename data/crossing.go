package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

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

// CrossingPoints calls visit with the crossing points selected by their own
// place (f.BBox, and f.Match on the point's Feature), direction and sector
// (a route may cross the line more than once, and not where its incident is
// placed), and by their incident's date, type and text, in date order; f's
// offset and limit count points. Crossings selects all of an incident's
// points by the incident. The bytes are valid only during the call.
func (s *Store) CrossingPoints(f Filter, visit func(feature []byte) error) (Result, error) {
	if f.BBox == nil && len(f.Directions) == 0 && len(f.Sectors) == 0 && f.Match == nil {
		return s.Crossings(f, visit)
	}
	box, dirs, secs, match, limit, offset := f.BBox, f.Directions, f.Sectors, f.Match, f.Limit, f.Offset
	f.BBox, f.Directions, f.Sectors, f.Match, f.Limit, f.Offset = nil, nil, nil, nil, 0, 0
	var res Result
	_, err := s.Crossings(f, func(b []byte) error {
		var cf struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Direction Direction  `json:"direction"`
				Sector    geo.Sector `json:"sector"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &cf); err != nil {
			return fmt.Errorf("a stored crossing point: %w", err)
		}
		if (box != nil && !box.Contains(cf.Geometry.Coordinates)) ||
			(len(dirs) > 0 && !slices.Contains(dirs, cf.Properties.Direction)) ||
			(len(secs) > 0 && !slices.Contains(secs, cf.Properties.Sector)) ||
			(match != nil && !match(b)) {
			return nil
		}
		res.Matched++
		if res.Matched <= offset || (limit > 0 && res.Returned >= limit) {
			return nil
		}
		res.Returned++
		return visit(b)
	})
	return res, err
}
