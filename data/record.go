package data

// The layout of the database: its buckets, and how an incident is laid
// out in them (its compact record, its keys, its encoded Feature and
// crossing points). DEVELOPERS.md describes it.

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta      = []byte("meta")
	bucketIncidents = []byte("incidents") // id → date key (4 bytes)
	bucketByDate    = []byte("by_date")   // date key (4 bytes) + id → record + encoded Feature
	bucketCrossings = []byte("crossings") // date key + id → crossing Features, newline-joined
	// bucketRecords is what the in-memory index loads at Open: small values
	// in few pages, so that a start reads megabytes, not every Feature.
	bucketRecords = []byte("records") // date key + id → record + number of crossing points (1 byte)

	keySchema   = []byte("schema")
	keyChanges  = []byte("changes")
	keyModified = []byte("modified")
	keySeeded   = []byte("seeded")
)

// record is what the date index keeps of an incident, before its Feature,
// to filter without decoding the Feature.
type record struct {
	typ    Type
	dir    Direction
	sector geo.Sector
	point  orb.Point
}

// sectors are the sectors by their code in a record, 0 for none. The codes
// are stored: geo.Sectors may only grow at its end.
var sectors = append([]geo.Sector{""}, geo.Sectors...)

// codeOf is v's code in a record: its index in list, 255 if it is not
// there.
func codeOf[T comparable](list []T, v T) byte {
	for i, x := range list {
		if x == v {
			return byte(i)
		}
	}
	return 255
}

// valueOf is the value of code i in list, the zero value for a code past
// its end.
func valueOf[T any](list []T, i byte) T {
	var zero T
	if int(i) < len(list) {
		return list[i]
	}
	return zero
}

const recordLen = 19

func (r record) encode() []byte {
	b := make([]byte, recordLen)
	b[0], b[1], b[2] = codeOf(Types, r.typ), codeOf(Directions, r.dir), codeOf(sectors, r.sector)
	binary.BigEndian.PutUint64(b[3:], math.Float64bits(r.point[0]))
	binary.BigEndian.PutUint64(b[11:], math.Float64bits(r.point[1]))
	return b
}

func decodeRecord(b []byte) record {
	if len(b) < recordLen {
		return record{}
	}
	return record{
		typ: valueOf(Types, b[0]), dir: valueOf(Directions, b[1]), sector: valueOf(sectors, b[2]),
		point: orb.Point{math.Float64frombits(binary.BigEndian.Uint64(b[3:])), math.Float64frombits(binary.BigEndian.Uint64(b[11:]))},
	}
}

func dateKey(date uint32, id string) []byte {
	k := make([]byte, 4+len(id))
	binary.BigEndian.PutUint32(k, date)
	copy(k[4:], id)
	return k
}

// encoded is an incident ready to be stored: every byte computed before the
// write transaction starts.
type encoded struct {
	in        *Incident
	value     []byte // record + Feature
	crossings []byte
}

func (e *encoded) feature() []byte { return e.value[recordLen:] }

func (s *Store) encode(in *Incident) (*encoded, error) {
	var pl *geo.Placement
	sector := geo.Sector("")
	if s.mdl != nil {
		p := s.mdl.Place(in.Location)
		pl, sector = &p, p.Sector
	}
	f, err := EncodeFeature(in, pl)
	if err != nil {
		return nil, err
	}
	cs, err := EncodeCrossings(in, s.mdl)
	if err != nil {
		return nil, err
	}
	rec := record{typ: in.Type, dir: in.Direction, sector: sector, point: in.Location}.encode()
	return &encoded{in: in, value: append(rec, f...), crossings: bytes.Join(cs, []byte{'\n'})}, nil
}

// fill is how full bbolt packs the pages of the date index, whose values
// are large: new incidents mostly come at the end of time, so dense pages
// waste less.
const fill = 0.9

// storedKey returns the date index key of id, or nil.
func storedKey(tx *bolt.Tx, id string) []byte {
	dk := tx.Bucket(bucketIncidents).Get([]byte(id))
	if len(dk) != 4 {
		return nil
	}
	return dateKey(binary.BigEndian.Uint32(dk), id)
}

// unindex removes id from the date index and its crossings in tx and
// returns what the in-memory index must forget.
func unindex(tx *bolt.Tx, id string) (indexChange, error) {
	var ch indexChange
	k := storedKey(tx, id)
	if k == nil {
		return ch, nil
	}
	records := tx.Bucket(bucketRecords)
	if v := records.Get(k); len(v) == recordLen+1 {
		ch.old = newEntry(string(k), v)
	}
	for _, b := range [][]byte{bucketRecords, bucketByDate, bucketCrossings} {
		if err := tx.Bucket(b).Delete(k); err != nil {
			return ch, err
		}
	}
	return ch, nil
}

// storeEncoded writes e in tx, replacing any incident with the same id, and
// returns the change the in-memory index must make once tx commits.
func storeEncoded(tx *bolt.Tx, e *encoded) (indexChange, error) {
	ch, err := unindex(tx, e.in.ID)
	if err != nil {
		return ch, err
	}
	dk := binary.BigEndian.AppendUint32(nil, e.in.Date.Key())
	if err := tx.Bucket(bucketIncidents).Put([]byte(e.in.ID), dk); err != nil {
		return ch, err
	}
	k := dateKey(e.in.Date.Key(), e.in.ID)
	rv := indexValue(e.value, e.crossings)
	ch.new = newEntry(string(k), rv)
	if err := tx.Bucket(bucketRecords).Put(k, rv); err != nil {
		return ch, err
	}
	byDate := tx.Bucket(bucketByDate)
	byDate.FillPercent = fill
	if err := byDate.Put(k, e.value); err != nil {
		return ch, err
	}
	if len(e.crossings) == 0 {
		return ch, nil
	}
	return ch, tx.Bucket(bucketCrossings).Put(k, e.crossings)
}

// storedFeature returns the Feature of id in tx, valid only inside it.
func storedFeature(tx *bolt.Tx, id string) []byte {
	k := storedKey(tx, id)
	if k == nil {
		return nil
	}
	v := tx.Bucket(bucketByDate).Get(k)
	if len(v) < recordLen {
		return nil
	}
	return v[recordLen:]
}

// indexValue returns the records value of an incident: its record (the
// first recordLen bytes of value) and how many crossing points it has, at
// most 255.
func indexValue(value, crossings []byte) []byte {
	n := 0
	if len(crossings) > 0 {
		n = min(255, 1+bytes.Count(crossings, []byte{'\n'}))
	}
	return append(value[:recordLen:recordLen], byte(n))
}
