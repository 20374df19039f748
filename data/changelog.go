package data

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	bolt "go.etcd.io/bbolt"
)

// bucketChangelog holds one entry a change, under the bucket's own
// sequence as an 8-byte big-endian number, so that a cursor reads the
// changes in the order they were committed: what the feed and the event
// stream are made of. Writes without history (synthetic incidents) are
// not logged.
var bucketChangelog = []byte("changelog")

// Change is one logged write: an incident created, updated or deleted.
type Change struct {
	Seq    uint64    `json:"seq"`
	ID     string    `json:"id"`
	Action Action    `json:"action"`
	Time   time.Time `json:"time"`
}

// logChange appends c to the change log in tx.
func logChange(tx *bolt.Tx, id string, action Action, at time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bucketChangelog)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(Change{Seq: seq, ID: id, Action: action, Time: at})
	if err != nil {
		return err
	}
	b.FillPercent = 1 // keys only ever grow
	return b.Put(binary.BigEndian.AppendUint64(nil, seq), v)
}

// Changes returns the logged changes after the sequence number after, the
// oldest first, at most limit of them (0: no limit).
func (s *Store) Changes(after uint64, limit int) ([]Change, error) {
	var out []Change
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChangelog)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, after+1)); k != nil; k, v = c.Next() {
			var ch Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return err
			}
			out = append(out, ch)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// RecentChanges returns the newest logged changes first, at most limit,
// each incident once (its newest change), skipping those keep refuses.
func (s *Store) RecentChanges(limit int, keep func(Change) bool) ([]Change, error) {
	var out []Change
	seen := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChangelog)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var ch Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return err
			}
			if seen[ch.ID] {
				continue
			}
			seen[ch.ID] = true
			if keep == nil || keep(ch) {
				out = append(out, ch)
			}
		}
		return nil
	})
	return out, err
}

// LastChange returns the sequence number of the newest logged change, 0
// when there is none.
func (s *Store) LastChange() (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketChangelog); b != nil {
			seq = b.Sequence()
		}
		return nil
	})
	return seq, err
}

// MatchFeature reports whether a stored Feature is one f selects, by its
// date, type, direction, computed sector, point and text; the paging of f
// is ignored. It is for the few incidents of a feed, not for queries.
func (f Filter) MatchFeature(feature []byte) bool {
	var ft struct {
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Date      string     `json:"date"`
			Type      Type       `json:"type"`
			Direction Direction  `json:"direction"`
			Sector    geo.Sector `json:"sector"`
		} `json:"properties"`
	}
	if json.Unmarshal(feature, &ft) != nil || len(ft.Geometry.Coordinates) < 2 {
		return false
	}
	p := ft.Properties
	d, err := ParseDate(p.Date)
	if err != nil {
		return false
	}
	k := d.Key()
	if k < f.From || (f.To != 0 && k > f.To) {
		return false
	}
	if (len(f.Types) > 0 && !contains(f.Types, p.Type)) || (len(f.Directions) > 0 && !contains(f.Directions, p.Direction)) ||
		(len(f.Sectors) > 0 && !contains(f.Sectors, p.Sector)) {
		return false
	}
	if b := f.BBox; b != nil {
		x, y := ft.Geometry.Coordinates[0], ft.Geometry.Coordinates[1]
		if x < b.Min[0] || x > b.Max[0] || y < b.Min[1] || y > b.Max[1] {
			return false
		}
	}
	if ff := newFeatureFilter(&f); ff != nil {
		return ff.match(feature)
	}
	return true
}
