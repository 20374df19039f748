package data

import "sync/atomic"

// versionCache keeps the last Version read, for the one read per request
// of every data route (its ETag, Dataset-Version and Last-Modified): a
// read transaction, a time and a JSON document parsed each time before.
// Every write transaction bumps gen after it ends, and a kept Version is
// used only while gen is what it was before its read began, so a Version
// is never kept past the write that changes it: at worst a request that
// starts while a write commits gets the Version of before it, as one
// whose read began a moment earlier would.
type versionCache struct {
	gen  atomic.Uint64
	last atomic.Pointer[keptVersion]
}

type keptVersion struct {
	gen uint64
	v   Version
}

// get returns the kept Version, or reads it with read and keeps it.
func (vc *versionCache) get(read func() (Version, error)) (Version, error) {
	g := vc.gen.Load()
	if k := vc.last.Load(); k != nil && k.gen == g {
		return k.v, nil
	}
	v, err := read()
	if err == nil {
		vc.last.Store(&keptVersion{gen: g, v: v})
	}
	return v, err
}

// changed forgets the kept Version: after every write transaction.
func (vc *versionCache) changed() { vc.gen.Add(1) }
