package data

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dmzmap/dmzmap/geo"
)

// Replica is a read-only copy of another server's database, answering
// queries like a Store, that Replace swaps for a newer copy while queries
// go on: each query runs to its end on the copy it started on, and a copy
// is closed once the last query on it has finished.
type Replica struct {
	path    string
	mdl     *geo.MDL
	timeout time.Duration

	replaceMu sync.Mutex
	cur       atomic.Pointer[replicaCopy]
}

// replicaCopy is one opened copy and the queries running on it.
type replicaCopy struct {
	st      *Store
	copied  time.Time
	queries atomic.Int64
	retired atomic.Bool
	close   sync.Once
}

func (c *replicaCopy) release() {
	if c.queries.Add(-1) == 0 && c.retired.Load() {
		c.close.Do(func() { c.st.Close() })
	}
}

// OpenReplica opens the copy at path, read-only. Its time of copying is
// the file's modification time.
func OpenReplica(path string, mdl *geo.MDL, timeout time.Duration) (*Replica, error) {
	r := &Replica{path: path, mdl: mdl, timeout: timeout}
	st, err := Open(path, mdl, Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		st.Close()
		return nil, err
	}
	r.cur.Store(&replicaCopy{st: st, copied: fi.ModTime()})
	return r, nil
}

// CheckCopy opens the database file at path read-only and runs bbolt's
// consistency check over it: what a copy must pass before it is served.
func CheckCopy(path string, timeout time.Duration) error {
	return CheckDatabase(path, "copy", timeout)
}

// CheckDatabase opens the database file at path read-only and runs bbolt's
// consistency check over it; its errors call the file what (a copy, a
// backup).
func CheckDatabase(path, what string, timeout time.Duration) error {
	st, err := Open(path, nil, Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		return fmt.Errorf("the %s does not open: %w", what, err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		return fmt.Errorf("the %s is damaged: %w", what, err)
	}
	return nil
}

// Replace checks the database file at src, moves it to the replica's path
// (src must be on the same file system) and serves it from then on. A copy
// that does not pass the check is refused and the one served is kept.
func (r *Replica) Replace(src string) error {
	r.replaceMu.Lock()
	defer r.replaceMu.Unlock()
	if err := CheckCopy(src, r.timeout); err != nil {
		return err
	}
	if err := os.Rename(src, r.path); err != nil {
		return err
	}
	st, err := Open(r.path, r.mdl, Options{ReadOnly: true, Timeout: r.timeout})
	if err != nil {
		return err
	}
	old := r.cur.Swap(&replicaCopy{st: st, copied: time.Now()})
	old.retired.Store(true)
	if old.queries.Load() == 0 {
		old.close.Do(func() { old.st.Close() })
	}
	return nil
}

// Copied returns when the copy served now was made.
func (r *Replica) Copied() time.Time { return r.cur.Load().copied }

// Close closes the copy served now. Queries must have ended.
func (r *Replica) Close() error {
	c := r.cur.Load()
	var err error
	c.close.Do(func() { err = c.st.Close() })
	return err
}

// acquire returns the copy to run one query on; the caller releases it.
func (r *Replica) acquire() *replicaCopy {
	for {
		c := r.cur.Load()
		c.queries.Add(1)
		if !c.retired.Load() {
			return c
		}
		c.release() // replaced meanwhile: take the new one
	}
}

// Query is Store.Query on the copy served now.
func (r *Replica) Query(f Filter, visit func(feature []byte) error) (Result, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Query(f, visit)
}

// AppendQuery is Store.AppendQuery on the copy served now.
func (r *Replica) AppendQuery(dst []byte, f Filter, w FeatureWriter) ([]byte, Result, error) {
	c := r.acquire()
	defer c.release()
	return c.st.AppendQuery(dst, f, w)
}

// Crossings is Store.Crossings on the copy served now.
func (r *Replica) Crossings(f Filter, visit func(feature []byte) error) (Result, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Crossings(f, visit)
}

// CrossingPoints is Store.CrossingPoints on the copy served now.
func (r *Replica) CrossingPoints(f Filter, visit func(feature []byte) error) (Result, error) {
	c := r.acquire()
	defer c.release()
	return c.st.CrossingPoints(f, visit)
}

// Crossing is Store.Crossing on the copy served now.
func (r *Replica) Crossing(id string) ([]byte, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Crossing(id)
}

// Extents is Store.Extents of the copy served now.
func (r *Replica) Extents() (incidents, crossings Extent, err error) {
	c := r.acquire()
	defer c.release()
	return c.st.Extents()
}

// Years is Store.Years on the copy served now.
func (r *Replica) Years(f Filter) ([]YearCount, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Years(f)
}

// Feature is Store.Feature on the copy served now.
func (r *Replica) Feature(id string) ([]byte, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Feature(id)
}

// Version is Store.Version of the copy served now: the primary's change
// counter when the copy was made.
func (r *Replica) Version() (Version, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Version()
}

// Clusters is Store.Clusters on the copy served now.
func (r *Replica) Clusters(f Filter, cellDeg float64) ([]Cluster, Result, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Clusters(f, cellDeg)
}

// Count is Store.Count of the copy served now.
func (r *Replica) Count() (int, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Count()
}

// Size is Store.Size of the copy served now.
func (r *Replica) Size() (int64, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Size()
}

// History is Store.History on the copy served now.
func (r *Replica) History(id string) ([]Revision, error) {
	c := r.acquire()
	defer c.release()
	return c.st.History(id)
}

// Changes is Store.Changes on the copy served now.
func (r *Replica) Changes(after uint64, limit int) ([]Change, error) {
	c := r.acquire()
	defer c.release()
	return c.st.Changes(after, limit)
}

// RecentChanges is Store.RecentChanges on the copy served now.
func (r *Replica) RecentChanges(limit int, keep func(Change) bool) ([]Change, error) {
	c := r.acquire()
	defer c.release()
	return c.st.RecentChanges(limit, keep)
}

// LastChange is Store.LastChange of the copy served now.
func (r *Replica) LastChange() (uint64, error) {
	c := r.acquire()
	defer c.release()
	return c.st.LastChange()
}

// Health is Store.Health of the copy served now.
func (r *Replica) Health() error {
	c := r.acquire()
	defer c.release()
	return c.st.Health()
}
