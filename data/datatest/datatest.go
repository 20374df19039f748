// Package datatest holds what the tests and benchmarks of several packages
// share: the MDL, new stores in a test's temporary directory, and databases
// of synthetic incidents.
package datatest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
)

// Seed is the seed of every synthetic database.
const Seed = 42

// SyntheticDB returns the path of a database of n synthetic incidents
// (data.Generate with Seed), kept in the temporary directory between runs
// since a million take minutes to write; its name holds the schema
// version, so that a new layout makes new ones. A missing one is written under a
// name of its own and renamed into place, so that packages tested at once
// may ask for it together. Open it read-only, or copy it, to write.
func SyntheticDB(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("dmzmap-bench-s%d-%d.db", data.SchemaVersion, n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		tb.Fatal(err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	os.Remove(tmp) // bbolt creates it
	s, err := data.Open(tmp, MDL(tb), data.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.AddSynthetic(context.Background(), n, Seed); err != nil {
		s.Close()
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	return path
}

var (
	mdlOnce sync.Once
	mdl     *geo.MDL
	mdlErr  error
)

// MDL returns the embedded Military Demarcation Line, loaded once for all
// the tests of a package.
func MDL(tb testing.TB) *geo.MDL {
	tb.Helper()
	mdlOnce.Do(func() { mdl, mdlErr = data.LoadMDL() })
	if mdlErr != nil {
		tb.Fatalf("LoadMDL: %v", mdlErr)
	}
	return mdl
}

// Open opens a new store in tb.TempDir() holding ins, closed when the test
// ends.
func Open(tb testing.TB, ins ...*data.Incident) *data.Store {
	tb.Helper()
	return OpenFile(tb, filepath.Join(tb.TempDir(), "test.db"), ins...)
}

// OpenFile opens a new store at path holding ins, closed when the test ends
// (closing it before then is fine).
func OpenFile(tb testing.TB, path string, ins ...*data.Incident) *data.Store {
	tb.Helper()
	s, err := data.Open(path, MDL(tb), data.Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if len(ins) > 0 {
		if _, err := s.Import(ins, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
			tb.Fatalf("Import: %v", err)
		}
	}
	return s
}
