package data

import "sync/atomic"

// The cache of Features (featcache.go) finds a Feature by its key's hash:
// the key's bytes, a slot and the kept Feature, three reads from memory
// for each Feature of a page, none of them near the others. A page's
// entries come from a walk of the date list, which knows where each is
// (its chunk and index): the front keeps, for one list, one gen and one
// epoch, each Feature the table gave, by that place. A page's places are
// near one another, so that its look-ups read a few lines of the front
// and then the kept Features themselves.
//
// The front holds only Features the table holds: what a look-up found
// there, in this epoch. The table lets Features go only when an epoch
// ends (a remake keeps the newer ones) or a write makes them stale (a new
// gen, and a new list): either way the next look-up drops the front, so
// that the front keeps what the table let go only until then, and the
// memory bound is the table's. Every Feature the front gives is checked
// as the table's are: its key, and its gen.

// frontTable is the front of one entry list (its list of chunks, by its
// first element), for one gen and epoch: by chunk, made when first
// needed, the kept Feature of each index.
type frontTable struct {
	list   *[]entry
	gen    uint64
	epoch  uint32
	chunks []atomic.Pointer[[]atomic.Pointer[keptFeature]]
}

// frontOf returns the front kept for kind if it is l's, gen's and
// epoch's, else nil; a front of an older gen or epoch it drops, so that
// it holds the Features it gave no longer than that.
func (fc *featureCache) frontOf(l entryList, kind uint8, gen uint64, epoch uint32) *frontTable {
	ft := fc.front[kind].Load()
	switch {
	case ft == nil:
		return nil
	case len(l.chunks) > 0 && ft.list == &l.chunks[0] && ft.gen == gen && ft.epoch == epoch:
		return ft
	case ft.gen != gen || ft.epoch != epoch:
		fc.front[kind].CompareAndSwap(ft, nil)
	}
	return nil
}

// newFront makes and keeps an empty front of l for kind, gen and epoch,
// and returns it: at the first Feature a look-up has to put in a front
// that is not l's (so that pages that find nothing in the table, after a
// write, make none). Nil for a list of no chunk.
func (fc *featureCache) newFront(l entryList, kind uint8, gen uint64, epoch uint32) *frontTable {
	if len(l.chunks) == 0 {
		return nil
	}
	nt := &frontTable{list: &l.chunks[0], gen: gen, epoch: epoch, chunks: make([]atomic.Pointer[[]atomic.Pointer[keptFeature]], len(l.chunks))}
	fc.front[kind].Store(nt) // a look-up at once may make its own: the last one stays
	return nt
}

// get returns the Feature the front keeps at, or nil.
func (ft *frontTable) get(at listPlace) *keptFeature {
	if at.ci < 0 || int(at.ci) >= len(ft.chunks) {
		return nil
	}
	c := ft.chunks[at.ci].Load()
	if c == nil || int(at.i) >= len(*c) {
		return nil
	}
	return (*c)[at.i].Load()
}

// put keeps k at, in l (the front's list).
func (ft *frontTable) put(l entryList, at listPlace, k *keptFeature) {
	if at.ci < 0 || int(at.ci) >= len(ft.chunks) || int(at.ci) >= len(l.chunks) || int(at.i) >= len(l.chunks[at.ci]) {
		return
	}
	slot := &ft.chunks[at.ci]
	c := slot.Load()
	if c == nil {
		nc := make([]atomic.Pointer[keptFeature], len(l.chunks[at.ci]))
		if !slot.CompareAndSwap(nil, &nc) {
			c = slot.Load()
		} else {
			c = &nc
		}
	}
	(*c)[at.i].Store(k)
}
