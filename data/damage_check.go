package data

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// quickSample is how many incidents Open's bounded check reads.
const quickSample = 1024

// quickCheck is Open's bounded integrity check: every bucket is there and
// its first and last leaves read, and quickSample incidents spread over the
// index agree in every bucket: the id's date key, the record, and a whole
// Feature of that id. The full check is Check (dmzmap check).
func (s *Store) quickCheck(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketIncidents, bucketByDate, bucketCrossings, bucketHistory, bucketRecords} {
		b := tx.Bucket(name)
		if b == nil {
			if tx.Writable() {
				return fmt.Errorf("the bucket %s is missing", name)
			}
			continue
		}
		// Descend to the first and last leaf: bbolt panics on a page of
		// the wrong kind, which protect turns into damage.
		c := b.Cursor()
		c.First()
		c.Last()
	}
	list := s.index.snapshot()
	if list.len() == 0 || tx.Bucket(bucketRecords) == nil {
		return nil
	}
	step := max(1, list.len()/quickSample)
	records, byDate, ids := tx.Bucket(bucketRecords), tx.Bucket(bucketByDate), tx.Bucket(bucketIncidents)
	var bad error
	i := 0
	list.ascend(0, 0, func(e *entry) bool {
		if i++; (i-1)%step != 0 && i != list.len() {
			return true
		}
		k := []byte(e.key)
		id := e.key[4:]
		rv, v := records.Get(k), byDate.Get(k)
		switch {
		case len(v) < recordLen || len(rv) < recordLen || !bytes.Equal(v[:recordLen], rv[:recordLen]):
			bad = fmt.Errorf("incident %q: its stored value does not match its record", id)
		case !bytes.Equal(ids.Get([]byte(id)), k[:4]):
			bad = fmt.Errorf("incident %q: the id index does not point at it", id)
		case !json.Valid(v[recordLen:]) || !bytes.Contains(v[recordLen:], []byte(`"id":`+strconvQuote(id))):
			bad = fmt.Errorf("incident %q: its stored Feature is not whole", id)
		}
		return bad == nil
	})
	return bad
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// CheckFile runs the full consistency check of bbolt (Tx.Check, every
// page) over the database at path, opened read-only after Preflight, and
// returns the number of incidents. Damage is an error of ErrDamaged.
func CheckFile(path string, opt Options) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, &Error{Kind: KindInternal, Err: err, Message: fmt.Sprintf("cannot check %s: %v", path, err)}
	}
	opt.ReadOnly = true
	s, err := Open(path, nil, opt)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		return 0, err
	}
	n, _ := s.Count()
	return n, nil
}

// walkTree reads the B+tree of the database at path from the file itself
// (not the map) under its newest whole meta page, before bbolt's Tx.Check:
// every page it reaches must be a branch or leaf page that says its own
// number, lie with its overflow below the high water mark, hold its
// elements inside itself, and be reached once. Tx.Check trusts a page's
// overflow count and would loop over billions of pages for a damaged one;
// a cycle would make a cursor descend for ever.
func walkTree(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	best, _ := newestMeta(f)
	if best == nil {
		return fmt.Errorf("neither meta page is whole")
	}
	w := &treeWalk{f: f, ps: int64(best.pageSize), hwm: best.pgid, seen: map[uint64]bool{}}
	return w.page(best.root, 0)
}

type treeWalk struct {
	f    *os.File
	ps   int64
	hwm  uint64
	seen map[uint64]bool
}

const (
	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	bucketLeafFlag = 0x01
	elementSize    = 16
	maxTreeDepth   = 64
)

func (w *treeWalk) page(id uint64, depth int) error {
	switch {
	case id < 2 || id >= w.hwm:
		return fmt.Errorf("a branch points at page %d, outside the pages 2 to %d in use", id, w.hwm-1)
	case w.seen[id]:
		return fmt.Errorf("page %d is reached twice", id)
	case depth > maxTreeDepth:
		return fmt.Errorf("the tree is deeper than %d pages at page %d", maxTreeDepth, id)
	}
	w.seen[id] = true
	hdr := make([]byte, pageHeaderSize)
	if n, _ := w.f.ReadAt(hdr, int64(id)*w.ps); n < pageHeaderSize {
		return fmt.Errorf("page %d is past the end of the file", id)
	}
	le := binary.LittleEndian
	overflow := uint64(le.Uint32(hdr[12:]))
	switch {
	case le.Uint64(hdr) != id:
		return fmt.Errorf("page %d says it is page %d", id, le.Uint64(hdr))
	case id+overflow >= w.hwm:
		return fmt.Errorf("page %d runs over %d more pages, past the pages in use", id, overflow)
	}
	for i := uint64(1); i <= overflow; i++ {
		if w.seen[id+i] {
			return fmt.Errorf("page %d is reached twice", id+i)
		}
		w.seen[id+i] = true
	}
	b := make([]byte, int64(overflow+1)*w.ps)
	if n, _ := w.f.ReadAt(b, int64(id)*w.ps); n < len(b) {
		return fmt.Errorf("page %d is past the end of the file", id)
	}
	return w.node(id, b, depth)
}

// node checks the page b (a page of the file, or an inline bucket's page)
// and walks what it points at.
func (w *treeWalk) node(id uint64, b []byte, depth int) error {
	le := binary.LittleEndian
	flags, count := le.Uint16(b[8:]), int(le.Uint16(b[10:]))
	if pageHeaderSize+count*elementSize > len(b) {
		return fmt.Errorf("page %d has %d elements, more than it holds", id, count)
	}
	switch flags {
	case branchPageFlag:
		for i := range count {
			e := b[pageHeaderSize+i*elementSize:]
			pos, ksize := int(le.Uint32(e)), int(le.Uint32(e[4:]))
			if off := pageHeaderSize + i*elementSize + pos; off+ksize > len(b) || off < 0 {
				return fmt.Errorf("page %d: key %d lies outside the page", id, i)
			}
			if err := w.page(le.Uint64(e[8:]), depth+1); err != nil {
				return err
			}
		}
	case leafPageFlag:
		for i := range count {
			e := b[pageHeaderSize+i*elementSize:]
			eflags, pos, ksize, vsize := le.Uint32(e), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			off := pageHeaderSize + i*elementSize + pos
			if off < 0 || off+ksize+vsize > len(b) {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			if eflags&bucketLeafFlag == 0 {
				continue
			}
			v := b[off+ksize : off+ksize+vsize]
			if len(v) < 16 {
				return fmt.Errorf("page %d: bucket %d is too short", id, i)
			}
			root := le.Uint64(v)
			if root != 0 {
				if err := w.page(root, depth+1); err != nil {
					return err
				}
				continue
			}
			inline := v[16:]
			if len(inline) < pageHeaderSize || le.Uint16(inline[8:]) != leafPageFlag {
				return fmt.Errorf("page %d: the inline bucket %d is not a leaf", id, i)
			}
			if err := w.node(id, inline, depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("page %d is neither a branch nor a leaf page (flags %#x)", id, flags)
	}
	return nil
}
