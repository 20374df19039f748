package data

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the database this code reads and writes.
const SchemaVersion = 1

var (
	bucketMeta      = []byte("meta")
	bucketIncidents = []byte("incidents") // id → date key (4 bytes)
	bucketByDate    = []byte("by_date")   // date key (4 bytes) + id → record + encoded Feature
	bucketCrossings = []byte("crossings") // date key + id → crossing Features, newline-joined

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
}

// Open opens or creates the database at path. mdl places each incident
// against the line when it is written.
func Open(path string, mdl *geo.MDL, opt Options) (*Store, error) {
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly})
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
		if tx.Bucket(bucketByDate) != nil {
			s.index.load(tx)
		}
		return nil
	}); err != nil {
		db.Close()
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
		for _, name := range [][]byte{bucketMeta, bucketIncidents, bucketByDate, bucketCrossings, bucketHistory} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySchema) == nil {
			return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		return check(tx)
	})
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
func (s *Store) Close() error { return s.db.Close() }

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
	byDate := tx.Bucket(bucketByDate)
	ch.oldKey, ch.oldP = string(k), decodeRecord(byDate.Get(k)).point
	if err := byDate.Delete(k); err != nil {
		return ch, err
	}
	return ch, tx.Bucket(bucketCrossings).Delete(k)
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
	ch.newKey, ch.newP = string(k), e.in.Location
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
	err := s.db.View(func(tx *bolt.Tx) error {
		empty = tx.Bucket(bucketMeta).Get(keySeeded) == nil && tx.Bucket(bucketIncidents).Stats().KeyN == 0
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
	return true, s.db.Update(func(tx *bolt.Tx) error {
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
	err := s.db.View(func(tx *bolt.Tx) error {
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
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketIncidents).Stats().KeyN
		return nil
	})
	return n, err
}

// Version is the database's change counter and the time of its last change.
type Version struct {
	Changes  uint64
	Modified time.Time
}

// Version returns the change counter: it grows with every write.
func (s *Store) Version() (Version, error) {
	var v Version
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if b := meta.Get(keyChanges); len(b) == 8 {
			v.Changes = binary.BigEndian.Uint64(b)
		}
		v.Modified, _ = time.Parse(time.RFC3339Nano, string(meta.Get(keyModified)))
		return nil
	})
	return v, err
}

// Filter selects incidents. Zero fields select everything.
type Filter struct {
	From, To   uint32 // date keys (YYYYMMDD, see Date.Key), inclusive; 0 for open
	Types      []Type
	Directions []Direction
	Sectors    []geo.Sector
	BBox       *orb.Bound
	Text       string // words that must all appear in the title or summary
	Limit      int    // at most this many; 0 for no limit
	Offset     int    // skip this many matches first
}

// YearRange returns the date keys spanning the years from and to,
// inclusive; 0 leaves a side open.
func YearRange(from, to int) (uint32, uint32) {
	var a, b uint32
	if from != 0 {
		a = uint32(from * 10000)
	}
	if to != 0 {
		b = uint32(to*10000 + 1299)
	}
	return a, b
}

func (f *Filter) match(r record) bool {
	if len(f.Types) > 0 && !contains(f.Types, r.typ) {
		return false
	}
	if len(f.Directions) > 0 && !contains(f.Directions, r.dir) {
		return false
	}
	if len(f.Sectors) > 0 && !contains(f.Sectors, r.sector) {
		return false
	}
	if f.BBox != nil && !f.BBox.Contains(r.point) {
		return false
	}
	return true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// textMatch reports whether every word of the query appears in the
// Feature's title or summary, ignoring case.
func textMatch(feature []byte, words []string) bool {
	var f struct {
		Properties struct{ Title, Summary string } `json:"properties"`
	}
	if json.Unmarshal(feature, &f) != nil {
		return false
	}
	hay := strings.ToLower(f.Properties.Title + "\n" + f.Properties.Summary)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Result says how many incidents or points a query matched and returned.
type Result struct {
	Matched  int
	Returned int
}

const batch = 512

// scan finds the incidents f selects, in date order. For each it calls
// take, inside a read transaction, with the date index key and value
// (record and Feature, valid only there); take returns the bytes to keep, copied, or nil. Then,
// outside the transaction, it calls fn with each kept payload. It walks the
// date index over f's range, or the keys the spatial index plans when that
// is cheaper, in transactions of at most batch keys, so that a slow
// consumer never holds the database.
func (s *Store) scan(f *Filter, take func(tx *bolt.Tx, k, v []byte) []byte, fn func(payload []byte) error) error {
	var words []string
	if f.Text != "" {
		words = strings.Fields(strings.ToLower(f.Text))
	}
	kept := make([][]byte, 0, batch)
	consider := func(tx *bolt.Tx, k, v []byte) {
		if len(v) < recordLen || !f.match(decodeRecord(v)) {
			return
		}
		if words != nil && !textMatch(v[recordLen:], words) {
			return
		}
		if p := take(tx, k, v); p != nil {
			kept = append(kept, p)
		}
	}
	flush := func() error {
		for _, p := range kept {
			if err := fn(p); err != nil {
				return err
			}
		}
		kept = kept[:0]
		return nil
	}

	if keys, ok := s.index.plan(f); ok {
		for len(keys) > 0 {
			chunk := keys[:min(batch, len(keys))]
			keys = keys[len(chunk):]
			err := s.db.View(func(tx *bolt.Tx) error {
				byDate := tx.Bucket(bucketByDate)
				for _, k := range chunk {
					if v := byDate.Get([]byte(k)); v != nil {
						consider(tx, []byte(k), v)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	}

	start := binary.BigEndian.AppendUint32(nil, f.From)
	to := f.To
	if to == 0 {
		to = math.MaxUint32
	}
	for {
		var next []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketByDate).Cursor()
			n := 0
			for k, v := c.Seek(start); k != nil; k, v = c.Next() {
				if binary.BigEndian.Uint32(k) > to {
					return nil
				}
				if n == batch {
					next = append([]byte(nil), k...)
					return nil
				}
				n++
				consider(tx, k, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		start = next
	}
}

// Query calls visit with the Feature bytes of each incident that f selects,
// in date order, within f's offset and limit.
func (s *Store) Query(f Filter, visit func(feature []byte) error) (Result, error) {
	var res Result
	err := s.scan(&f, func(_ *bolt.Tx, _, v []byte) []byte {
		res.Matched++
		if res.Matched <= f.Offset || (f.Limit > 0 && res.Returned >= f.Limit) {
			return nil
		}
		res.Returned++
		return append([]byte(nil), v[recordLen:]...)
	}, visit)
	return res, err
}

// Crossings calls visit with each crossing-point Feature of the incidents
// that f selects, in date order; f's offset and limit count points.
func (s *Store) Crossings(f Filter, visit func(feature []byte) error) (Result, error) {
	var res Result
	limit, offset := f.Limit, f.Offset
	f.Limit, f.Offset = 0, 0
	err := s.scan(&f, func(tx *bolt.Tx, k, _ []byte) []byte {
		joined := tx.Bucket(bucketCrossings).Get(k)
		if joined == nil {
			return nil
		}
		var keep [][]byte
		for _, c := range bytes.Split(joined, []byte{'\n'}) {
			res.Matched++
			if res.Matched <= offset || (limit > 0 && res.Returned >= limit) {
				continue
			}
			res.Returned++
			keep = append(keep, c)
		}
		if keep == nil {
			return nil
		}
		return bytes.Join(keep, []byte{'\n'})
	}, func(joined []byte) error {
		for _, c := range bytes.Split(joined, []byte{'\n'}) {
			if err := visit(c); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// YearCount is the number of incidents of each type in one year.
type YearCount struct {
	Year   int          `json:"year"`
	Total  int          `json:"total"`
	ByType map[Type]int `json:"by_type"`
}

// Years counts the incidents that f selects per year and type, in year
// order. f's offset and limit are ignored.
func (s *Store) Years(f Filter) ([]YearCount, error) {
	var out []YearCount
	err := s.yearScan(&f, func(year int, t Type) {
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, YearCount{Year: year, ByType: map[Type]int{}})
		}
		out[len(out)-1].Total++
		out[len(out)-1].ByType[t]++
	})
	return out, err
}

func (s *Store) yearScan(f *Filter, fn func(year int, t Type)) error {
	if f.Text != "" {
		return s.scan(f, func(_ *bolt.Tx, k, v []byte) []byte {
			fn(int(binary.BigEndian.Uint32(k)/10000), decodeRecord(v).typ)
			return nil
		}, nil)
	}
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketByDate).Cursor()
		start := make([]byte, 4)
		binary.BigEndian.PutUint32(start, f.From)
		for k, v := c.Seek(start); k != nil; k, v = c.Next() {
			key := binary.BigEndian.Uint32(k)
			if f.To != 0 && key > f.To {
				break
			}
			r := decodeRecord(v)
			if f.match(r) {
				fn(int(key/10000), r.typ)
			}
		}
		return nil
	})
}

// Size returns the database file's size in bytes.
func (s *Store) Size() (int64, error) {
	st, err := os.Stat(s.db.Path())
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
