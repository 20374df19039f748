// Package datatest holds what the tests and benchmarks of several packages
// share: databases of synthetic incidents.
package datatest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dmzmap/dmzmap/data"
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
	mdl, err := data.LoadMDL()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		tb.Fatal(err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	os.Remove(tmp) // bbolt creates it
	s, err := data.Open(tmp, mdl, data.Options{})
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
