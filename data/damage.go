package data

// One file on purpose: everything that finds and names a damaged file (the
// preflight of the meta pages, the guard around transactions, the bounded open
// check and the health it reports) shares the page layout constants here.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is the cause of every error about a damaged database file.
var ErrDamaged = errors.New("the database file is damaged")

// ErrNoSpace is the cause of the errors of writes that failed because the
// disk holding the database is full.
var ErrNoSpace = errors.New("no space left on the disk holding the database")

// damagedError names a damaged database file and what to do about it.
func damagedError(path string, cause any) *Error {
	return &Error{Kind: KindInternal, Err: fmt.Errorf("%w: %v", ErrDamaged, cause),
		Message: fmt.Sprintf("database %s is damaged: %v; run dmzmap check --db %s, or restore a backup (dmzmap restore)", path, cause, path)}
}

// protect runs op with memory faults made panics (bbolt maps the file: a
// page past the end of a truncated file faults) and recovers a panic that
// bbolt raised on a damaged page, or a fault, returning it as fault. Any
// other panic goes on.
func protect(op func() error) (err error, fault any) {
	prev := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(prev)
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if !isDamage(v, debug.Stack()) {
			panic(v)
		}
		fault = v
	}()
	return op(), nil
}

// isDamage says whether a recovered panic comes from reading a damaged
// file: a memory fault, or a panic raised inside bbolt (such as "invalid
// page type" or an index out of range), which reads only the file.
func isDamage(v any, stack []byte) bool {
	if _, ok := v.(interface{ Addr() uintptr }); ok {
		return true
	}
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "panic(") {
			continue
		}
		for _, f := range lines[i+1:] {
			if f == "" || strings.HasPrefix(f, "\t") || strings.HasPrefix(f, "runtime.") {
				continue
			}
			return strings.HasPrefix(f, "go.etcd.io/bbolt")
		}
	}
	return false
}

// guard runs op under protect; damage is noted, so that Health reports it
// from then on, and returned as an error of ErrDamaged.
func (s *Store) guard(op func() error) error {
	err, fault := protect(op)
	if fault != nil {
		return s.corrupt(fmt.Errorf("%v", fault))
	}
	return err
}

// corrupt notes a stored value that cannot be read, which only damage to
// the file makes, and returns it as an error of ErrDamaged.
func (s *Store) corrupt(err error) error {
	de := damagedError(s.db.Path(), err)
	msg := de.Message
	s.damage.CompareAndSwap(nil, &msg)
	return de
}

// view and updateTx are bbolt's View and Update under guard.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}

func (s *Store) updateTx(fn func(tx *bolt.Tx) error) error {
	err := s.guard(func() error { return s.db.Update(fn) })
	s.versions.changed()
	s.features.changed()
	if isNoSpace(err) {
		s.noSpace.Store(true)
		return &Error{Kind: KindUnavailable, Err: fmt.Errorf("%w: %v", ErrNoSpace, err),
			Message: "the write failed: the disk holding the database is full; nothing was written"}
	}
	if err == nil || ErrorKind(err) != KindInternal {
		s.noSpace.Store(false)
	}
	return err
}

func isNoSpace(err error) bool {
	return err != nil && (errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device"))
}

// Health says whether the store can serve: an error of ErrDamaged once
// damage was found, or of ErrNoSpace while writes fail for lack of disk
// space (until one succeeds); nil otherwise.
func (s *Store) Health() error {
	if m := s.damage.Load(); m != nil {
		return &Error{Kind: KindUnavailable, Err: ErrDamaged, Message: *m}
	}
	if s.noSpace.Load() {
		return &Error{Kind: KindUnavailable, Err: ErrNoSpace, Message: "writes fail: the disk holding the database is full"}
	}
	return nil
}

// bbolt's file layout: each meta page (pages 0 and 1) holds, after a
// 16-byte page header, magic, version, page size, flags, the root bucket
// (root page, sequence), the freelist page, the high water mark (pgid),
// the txid and an FNV-64a checksum of what precedes it.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaSize        = 64
	pgidNoFreelist  = 0xffffffffffffffff
	minBoltPageSize = 512
	maxBoltPageSize = 64 << 10
)

type boltMeta struct {
	pageSize       uint32
	root, freelist uint64
	pgid, txid     uint64
	valid          bool
	problem        string
}

func readMeta(b []byte) boltMeta {
	var m boltMeta
	if len(b) < pageHeaderSize+metaSize {
		m.problem = "it ends inside the page"
		return m
	}
	le := binary.LittleEndian
	d := b[pageHeaderSize : pageHeaderSize+metaSize]
	magic, version := le.Uint32(d[0:]), le.Uint32(d[4:])
	m.pageSize = le.Uint32(d[8:])
	m.root, m.freelist, m.pgid, m.txid = le.Uint64(d[16:]), le.Uint64(d[32:]), le.Uint64(d[40:]), le.Uint64(d[48:])
	h := fnv.New64a()
	h.Write(d[:56])
	switch {
	case magic != boltMagic:
		m.problem = "it is not a bbolt meta page"
	case version != boltVersion:
		m.problem = fmt.Sprintf("its version is %d, not %d", version, boltVersion)
	case le.Uint64(d[56:]) != h.Sum64():
		m.problem = "its checksum does not match"
	case m.pageSize < minBoltPageSize || m.pageSize > maxBoltPageSize || m.pageSize&(m.pageSize-1) != 0:
		m.problem = fmt.Sprintf("its page size %d is not a power of two from 512 to 64 KiB", m.pageSize)
	case m.root >= m.pgid || (m.freelist >= m.pgid && m.freelist != pgidNoFreelist):
		m.problem = fmt.Sprintf("it points past its own high water mark (page %d)", m.pgid)
	default:
		m.valid = true
	}
	return m
}

// Preflight checks the file at path before bbolt maps it, which on a
// damaged file can panic or fault: an empty or missing file is a new
// database; otherwise one of its two meta pages must be whole, and the
// file at least as long as the pages the newest whole one counts, or the
// database would read past the end of the file.
func Preflight(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &Error{Kind: KindInternal, Err: err, Message: fmt.Sprintf("cannot open database %s: %v", path, err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &Error{Kind: KindInternal, Err: err, Message: fmt.Sprintf("cannot open database %s: %v", path, err)}
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	best, head := newestMeta(f)
	if best == nil {
		if hasMagic(head) || looksLikeBolt(f) {
			return damagedError(path, fmt.Sprintf("neither meta page is whole (page 0: %s)", readMeta(head).problem))
		}
		return &Error{Kind: KindInternal, Message: fmt.Sprintf("%s is not a dmzmap database: it is not a bbolt file", path)}
	}
	need := int64(best.pgid) * int64(best.pageSize)
	if size < need {
		return damagedError(path, fmt.Sprintf("the file is truncated: it is %d bytes, and its pages (%d of %d bytes) need %d",
			size, best.pgid, best.pageSize, need))
	}
	if err := checkFreelist(f, best); err != nil {
		return damagedError(path, err)
	}
	return nil
}

// checkFreelist checks the freelist page that a writable bbolt Open reads
// first (and panics on, or allocates its count for): a freelist page that
// says its own number, whose ids fit in it and its overflow, each a page in
// use.
func checkFreelist(f *os.File, m *boltMeta) error {
	if m.freelist == pgidNoFreelist {
		return nil
	}
	ps := int64(m.pageSize)
	hdr := make([]byte, pageHeaderSize+8)
	if n, _ := f.ReadAt(hdr, int64(m.freelist)*ps); n < len(hdr) {
		return fmt.Errorf("the freelist page %d is past the end of the file", m.freelist)
	}
	le := binary.LittleEndian
	id, flags, count, overflow := le.Uint64(hdr), le.Uint16(hdr[8:]), uint64(le.Uint16(hdr[10:])), uint64(le.Uint32(hdr[12:]))
	first := int64(pageHeaderSize)
	if count == 0xFFFF {
		count, first = le.Uint64(hdr[16:]), pageHeaderSize+8
	}
	switch {
	case id != m.freelist || flags != 0x10:
		return fmt.Errorf("page %d is not the freelist page the meta page names", m.freelist)
	case m.freelist+overflow >= m.pgid:
		return fmt.Errorf("the freelist page %d runs past the pages in use", m.freelist)
	case count > m.pgid || first+int64(count)*8 > int64(overflow+1)*ps:
		return fmt.Errorf("the freelist page %d lists %d pages, more than it holds", m.freelist, count)
	}
	ids := make([]byte, count*8)
	if n, _ := f.ReadAt(ids, int64(m.freelist)*ps+first); n < len(ids) {
		return fmt.Errorf("the freelist page %d is past the end of the file", m.freelist)
	}
	for i := 0; i < len(ids); i += 8 {
		if p := le.Uint64(ids[i:]); p < 2 || p >= m.pgid {
			return fmt.Errorf("the freelist lists page %d, outside the pages in use", p)
		}
	}
	return nil
}

// newestMeta reads both meta pages of the bbolt file f and returns the
// newest whole one (nil if neither is), and the start of the first page.
func newestMeta(f *os.File) (*boltMeta, []byte) {
	head := make([]byte, pageHeaderSize+metaSize)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	m0 := readMeta(head)
	metas := []boltMeta{m0}
	// The second meta page is at the page size; a damaged first page does
	// not say it, so try each size bbolt may use.
	sizes := []int64{int64(m0.pageSize)}
	if !m0.valid {
		sizes = sizes[:0]
		for ps := int64(minBoltPageSize); ps <= maxBoltPageSize; ps *= 2 {
			sizes = append(sizes, ps)
		}
	}
	for _, ps := range sizes {
		b := make([]byte, pageHeaderSize+metaSize)
		k, _ := f.ReadAt(b, ps)
		if m := readMeta(b[:k]); m.valid {
			metas = append(metas, m)
			break
		}
	}
	var best *boltMeta
	for i := range metas {
		if m := &metas[i]; m.valid && (best == nil || m.txid > best.txid) {
			best = m
		}
	}
	return best, head
}

// hasMagic says whether the first page begins as a bbolt meta page does.
func hasMagic(b []byte) bool {
	return len(b) >= pageHeaderSize+4 && binary.LittleEndian.Uint32(b[pageHeaderSize:]) == boltMagic
}

// looksLikeBolt says whether a file whose meta pages are not bbolt's has
// the pages of a bbolt file after them: page 2, at 4 KiB pages, says it is
// page 2 and of a kind bbolt writes. Then its meta pages were damaged;
// otherwise it is some other file.
func looksLikeBolt(f *os.File) bool {
	const ps = 4096
	b := make([]byte, pageHeaderSize)
	if n, _ := f.ReadAt(b, 2*ps); n < len(b) {
		return false
	}
	flags := binary.LittleEndian.Uint16(b[8:])
	return binary.LittleEndian.Uint64(b) == 2 && (flags == 0x01 || flags == 0x02 || flags == 0x10)
}

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
