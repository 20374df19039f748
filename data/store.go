package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dmzmap/dmzmap/geo"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
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
