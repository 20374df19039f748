package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
)

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
