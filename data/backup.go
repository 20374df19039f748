package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w while the
// store stays open for reads and writes. It returns the bytes written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Check runs bbolt's consistency check over every page of the database,
// after walkTree has made sure that it ends; what they find is an error of
// ErrDamaged.
// On a writable store it holds the write lock while it runs.
func (s *Store) Check() error {
	run := s.updateTx
	if s.db.IsReadOnly() {
		run = s.view
	}
	return run(func(tx *bolt.Tx) error {
		if err := walkTree(s.db.Path()); err != nil {
			return s.corrupt(err)
		}
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) == 0 {
			return nil
		}
		return s.corrupt(errors.Join(errs...))
	})
}

// Restore replaces the database at dst with the backup at src, after
// checking that src is a consistent dmzmap database. The database at dst
// must not be open; its old file is kept as dst + ".before-restore".
func Restore(src, dst string, timeout time.Duration) error {
	s, err := Open(src, nil, Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, ErrDamaged) {
		var de *Error
		errors.As(err, &de)
		return &Error{Kind: KindInvalid, Err: err, Message: "the backup is refused, and nothing was changed: " + de.Message}
	}
	if err != nil {
		return fmt.Errorf("backup %s: %w", src, err)
	}
	err = s.Check()
	s.Close()
	if err != nil {
		return &Error{Kind: KindInvalid, Err: err, Message: fmt.Sprintf("backup %s is damaged: %v; the backup is refused, and nothing was changed", src, err)}
	}
	// Take the lock on dst so that a running server makes this fail.
	if _, statErr := os.Stat(dst); statErr == nil {
		held, err := Open(dst, nil, Options{Timeout: timeout})
		if err != nil {
			return err
		}
		held.Close()
		if err := os.Rename(dst, dst+".before-restore"); err != nil {
			return err
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
