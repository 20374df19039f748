package data

// How a damaged file is named: the guard around transactions and the health it
// reports. The preflight of the meta pages and bbolt's page layout are in
// damage_preflight.go, Open's bounded check and the full one in damage_check.go.

import (
	"errors"
	"fmt"
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
