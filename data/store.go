package data

// The next candidate for a split (issue 11): the record layout and the schema
// migration could leave this file; they stay until the write path is unified.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the database this code reads and writes.
// Version 2 added the records bucket; a writable Open of a version 1
// database fills it once.
const SchemaVersion = 2

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

// Options configure Open.
type Options struct {
	Timeout  time.Duration // how long to wait for another process's lock; default 2s
	ReadOnly bool
}

// Store keeps incidents in one bbolt file. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	mdl   *geo.MDL
	index *memIndex
	// updateMu is held by update across a write transaction and the index
	// change that follows its commit, so that the index follows the commits
	// in their order.
	updateMu sync.Mutex
	reads    atomic.Int64 // values read by queries, for tests
	// damage is the first damage found in the file, noSpace whether the
	// last write failed for lack of disk space: what Health reports.
	damage  atomic.Pointer[string]
	noSpace atomic.Bool
	// versions keeps the last Version (version_cache.go), features
	// recently read Features (featcache.go).
	versions versionCache
	features featureCache
}

// Open opens or creates the database at path. mdl places each incident
// against the line when it is written.
//
// A damaged file is refused with an error of ErrDamaged, never a panic:
// Preflight runs before bbolt maps the file, and Open's bounded check
// (quickCheck) after the index is loaded.
func Open(path string, mdl *geo.MDL, opt Options) (*Store, error) {
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	if err := Preflight(path); err != nil {
		return nil, err
	}
	var s *Store
	var db *bolt.DB
	err, fault := protect(func() error {
		var err error
		s, err = open(path, mdl, opt, &db)
		return err
	})
	if fault != nil {
		if db != nil {
			protect(db.Close)
		}
		return nil, damagedError(path, fault)
	}
	return s, err
}

// open is Open once the file passed Preflight; it sets *opened as soon as
// bbolt has the file, for Open to close it after a panic.
func open(path string, mdl *geo.MDL, opt Options, opened **bolt.DB) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly})
	*opened = db
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &Error{Kind: KindUnavailable, Err: err,
			Message: fmt.Sprintf("database %s is in use by another process (gave up after %s)", path, opt.Timeout)}
	}
	if err != nil {
		return nil, &Error{Kind: KindInternal, Err: err, Message: fmt.Sprintf("cannot open database %s: %v", path, err)}
	}
	s := &Store{db: db, mdl: mdl, index: newMemIndex()}
	if err := s.init(opt.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.View(func(tx *bolt.Tx) error {
		s.index.load(tx)
		return s.quickCheck(tx)
	}); err != nil {
		db.Close()
		if _, ok := err.(*Error); !ok {
			err = damagedError(path, err)
		}
		return nil, err
	}
	return s, nil
}

func (s *Store) init(readOnly bool) error {
	check := func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		v := meta.Get(keySchema)
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("database %s has no valid schema version (%q): is it a dmzmap database?", s.db.Path(), v)}
		}
		if n > SchemaVersion {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("database %s has schema %d; this dmzmap reads up to %d: upgrade dmzmap", s.db.Path(), n, SchemaVersion)}
		}
		return nil
	}
	if readOnly {
		return s.db.View(check)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil && tx.Bucket(bucketIncidents) == nil && len(bucketNames(tx)) > 0 {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("%s is a bbolt file but not a dmzmap database", s.db.Path())}
		}
		fresh := tx.Bucket(bucketRecords) == nil
		for _, name := range [][]byte{bucketMeta, bucketIncidents, bucketByDate, bucketCrossings, bucketHistory, bucketRecords} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySchema) == nil {
			return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		if err := check(tx); err != nil || !fresh {
			return err
		}
		if err := fillRecords(tx); err != nil {
			return err
		}
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
}

// fillRecords writes the records bucket of a version 1 database from its
// date index and crossings.
func fillRecords(tx *bolt.Tx) error {
	records := tx.Bucket(bucketRecords)
	records.FillPercent = 1 // written in key order
	return eachLegacyRecord(tx, func(k, rv []byte) error { return records.Put(k, rv) })
}

// eachLegacyRecord calls fn with the key and records value of every
// incident, made from the date index and the crossings: what the records
// bucket holds since version 2.
func eachLegacyRecord(tx *bolt.Tx, fn func(k, rv []byte) error) error {
	byDate, crossings := tx.Bucket(bucketByDate), tx.Bucket(bucketCrossings)
	if byDate == nil || crossings == nil {
		return nil
	}
	cc := crossings.Cursor()
	ck, cv := cc.First()
	c := byDate.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) < recordLen {
			continue
		}
		for ck != nil && string(ck) < string(k) {
			ck, cv = cc.Next()
		}
		var cs []byte
		if ck != nil && string(ck) == string(k) {
			cs = cv
		}
		if err := fn(k, indexValue(v, cs)); err != nil {
			return err
		}
	}
	return nil
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

func bucketNames(tx *bolt.Tx) [][]byte {
	var names [][]byte
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, name)
		return nil
	})
	return names
}

// Close closes the database file.
func (s *Store) Close() error {
	err := s.db.Close()
	// Nothing kept answers for a closed database.
	s.versions.changed()
	s.features.changed()
	return err
}

// Path returns the database's file name.
func (s *Store) Path() string { return s.db.Path() }

// MDL returns the line the store places incidents against.
func (s *Store) MDL() *geo.MDL { return s.mdl }

// record is what the date index keeps of an incident, before its Feature,
// to filter without decoding the Feature.
type record struct {
	typ    Type
	dir    Direction
	sector geo.Sector
	point  orb.Point
}

var sectors = []geo.Sector{"", geo.Western, geo.Central, geo.Eastern, geo.JSA}

func code[T comparable](list []T, v T) byte {
	for i, x := range list {
		if x == v {
			return byte(i)
		}
	}
	return 255
}

func at[T any](list []T, i byte) T {
	var zero T
	if int(i) < len(list) {
		return list[i]
	}
	return zero
}

const recordLen = 19

func (r record) encode() []byte {
	b := make([]byte, recordLen)
	b[0], b[1], b[2] = code(Types, r.typ), code(Directions, r.dir), code(sectors, r.sector)
	binary.BigEndian.PutUint64(b[3:], math.Float64bits(r.point[0]))
	binary.BigEndian.PutUint64(b[11:], math.Float64bits(r.point[1]))
	return b
}

func decodeRecord(b []byte) record {
	if len(b) < recordLen {
		return record{}
	}
	return record{
		typ: at(Types, b[0]), dir: at(Directions, b[1]), sector: at(sectors, b[2]),
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

// put writes e in tx, replacing any incident with the same id, and returns
// the change the in-memory index must make once tx commits.
func put(tx *bolt.Tx, e *encoded) (indexChange, error) {
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

// bump counts a change and records its time, for ETags and Last-Modified.
func bump(tx *bolt.Tx, now time.Time) error {
	meta := tx.Bucket(bucketMeta)
	n := uint64(0)
	if v := meta.Get(keyChanges); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n+1)
	if err := meta.Put(keyChanges, b); err != nil {
		return err
	}
	return meta.Put(keyModified, []byte(now.UTC().Format(time.RFC3339Nano)))
}

// SeedIfEmpty loads incidents into a database that has never been seeded
// and holds no incident. It reports whether it did.
func (s *Store) SeedIfEmpty(seed func() ([]*Incident, error)) (bool, error) {
	var empty bool
	err := s.view(func(tx *bolt.Tx) error {
		first, _ := tx.Bucket(bucketIncidents).Cursor().First()
		empty = tx.Bucket(bucketMeta).Get(keySeeded) == nil && first == nil
		return nil
	})
	if err != nil || !empty {
		return false, err
	}
	ins, err := seed()
	if err != nil {
		return false, err
	}
	if _, err := s.Import(ins, ImportOptions{Mode: ModeUpsert, Reason: "seed dataset loaded on first start"}); err != nil {
		return false, err
	}
	return true, s.updateTx(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySeeded, []byte(time.Now().UTC().Format(time.RFC3339)))
	})
}

// Get returns the incident with the given id.
func (s *Store) Get(id string) (*Incident, error) {
	b, err := s.Feature(id)
	if err != nil {
		return nil, err
	}
	return DecodeFeature(b)
}

// Feature returns the stored GeoJSON Feature of the incident with the given id.
func (s *Store) Feature(id string) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		v := storedFeature(tx, id)
		if v == nil {
			return &Error{Kind: KindNotFound, Message: fmt.Sprintf("no incident has the id %q", id)}
		}
		out = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// Count returns the number of incidents stored.
func (s *Store) Count() (int, error) {
	return s.index.len(), nil
}

// Version is the database's change counter and the time of its last
// change, and the version of the dataset it was seeded with (zero if none).
type Version struct {
	Changes  uint64
	Modified time.Time
	Dataset  Dataset
}

// Version returns the change counter: it grows with every write.
func (s *Store) Version() (Version, error) {
	return s.versions.get(s.readVersion)
}

func (s *Store) readVersion() (Version, error) {
	var v Version
	err := s.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if b := meta.Get(keyChanges); len(b) == 8 {
			v.Changes = binary.BigEndian.Uint64(b)
		}
		v.Modified, _ = time.Parse(time.RFC3339Nano, string(meta.Get(keyModified)))
		v.Dataset = readDataset(tx)
		return nil
	})
	return v, err
}

// Size returns the database file's size in bytes.
func (s *Store) Size() (int64, error) {
	st, err := os.Stat(s.db.Path())
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// update runs fn in a write transaction and, if it commits, applies the
// index changes fn returns, before any later write can commit.
func (s *Store) update(fn func(tx *bolt.Tx) ([]indexChange, error)) error {
	s.updateMu.Lock()
	defer s.updateMu.Unlock()
	var changes []indexChange
	err := s.updateTx(func(tx *bolt.Tx) error {
		var err error
		changes, err = fn(tx)
		return err
	})
	if err == nil {
		s.index.apply(changes)
	}
	return err
}
