package data

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seededFile writes a database holding the seed and returns its path and
// its bytes.
func seededFile(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := Open(path, mdl(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedIfEmpty(func() ([]*Incident, error) { return SeedIncidents(mdl(t)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// use opens the file at path and, if it opens, reads everything a server
// reads; it returns the first error, and fails the test on a panic (which
// would escape).
func use(t *testing.T, path string) (openErr, useErr error, s *Store) {
	t.Helper()
	s, openErr = Open(path, mdl(t), Options{})
	if openErr != nil {
		return openErr, nil, nil
	}
	defer s.Close()
	errs := []error{}
	_, err := s.Query(Filter{}, func([]byte) error { return nil })
	errs = append(errs, err)
	_, err = s.Crossings(Filter{}, func([]byte) error { return nil })
	errs = append(errs, err)
	_, err = s.Version()
	errs = append(errs, err)
	_, err = s.History("2017-11-13-jsa-defection")
	if ErrorKind(err) == KindNotFound {
		err = nil
	}
	errs = append(errs, err)
	errs = append(errs, s.Check())
	in := valid()
	in.ID = "damage-test-write"
	_, err = s.Create(in, "")
	errs = append(errs, err)
	return nil, errors.Join(errs...), s
}

func TestDamagedFileRefusedAtOpen(t *testing.T) {
	path, orig := seededFile(t)
	pageSize := 4096
	cases := []struct {
		name   string
		damage func([]byte) []byte
		want   string
	}{
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"truncated by its last used page", func(b []byte) []byte {
			m0, m1 := readMeta(b), readMeta(b[pageSize:])
			last := max(m0.pgid, m1.pgid) - 1
			return b[:int(last)*pageSize]
		}, "truncated"},
		{"truncated inside the meta pages", func(b []byte) []byte { return b[:100] }, "truncated"},

		{"both meta pages zeroed", func(b []byte) []byte {
			clear(b[:2*pageSize])
			return b
		}, "meta page"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.damage(append([]byte(nil), orig...)), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, mdl(t), Options{})
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open = %v, want an error of ErrDamaged naming the file and saying %q", err, tc.want)
			}
			if _, err := CheckFile(path, Options{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("CheckFile = %v, want an error of ErrDamaged", err)
			}
		})
	}
	// A file that is no bbolt file at all is not called damaged.
	for _, junk := range []string{"x", strings.Repeat("SQLite format 3\x00", 1024)} {
		os.WriteFile(path, []byte(junk), 0o600)
		if _, err := Open(path, mdl(t), Options{}); err == nil || errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "not a dmzmap database") {
			t.Errorf("Open of a %d-byte file that is no database = %v, want \"not a dmzmap database\"", len(junk), err)
		}
	}
	// One meta page damaged: bbolt uses the other, and so does Preflight.
	b := append([]byte(nil), orig...)
	clear(b[16:80])
	os.WriteFile(path, b, 0o600)
	if err := Preflight(path); err != nil {
		t.Errorf("Preflight with one meta page whole: %v", err)
	}
}

// TestDamagedPagesNeverPanic overwrites pages and flips bytes of a seeded
// database, in many seeded rounds: each time Open refuses it, or every use
// either works or returns an error, and never panics; damage found while in
// use shows in Health.
func TestDamagedPagesNeverPanic(t *testing.T) {
	path, orig := seededFile(t)
	if n, err := CheckFile(path, Options{}); err != nil || n == 0 {
		t.Fatalf("CheckFile of the intact file = %d, %v", n, err)
	}
	const pageSize = 4096
	pages := len(orig) / pageSize
	rng := rand.New(rand.NewPCG(13, 2026))
	refused, failed, found := 0, 0, 0
	for round := range 120 {
		b := append([]byte(nil), orig...)
		switch round % 3 {
		case 0: // overwrite a whole page past the meta pages with noise
			p := 2 + rng.IntN(pages-2)
			for i := p * pageSize; i < (p+1)*pageSize; i++ {
				b[i] = byte(rng.Uint32())
			}
		case 1: // flip bytes anywhere past the meta pages
			for range 1 + rng.IntN(16) {
				b[2*pageSize+rng.IntN(len(b)-2*pageSize)] ^= byte(1 + rng.IntN(255))
			}
		case 2: // zero a page header
			p := 2 + rng.IntN(pages-2)
			clear(b[p*pageSize : p*pageSize+16])
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		openErr, useErr, s := use(t, path)
		switch {
		case openErr != nil:
			refused++
			if !errors.Is(openErr, ErrDamaged) && ErrorKind(openErr) != KindInternal {
				t.Errorf("round %d: Open = %v", round, openErr)
			}
		case useErr != nil:
			failed++
			if !errors.Is(useErr, ErrDamaged) {
				t.Errorf("round %d: %v, want an error of ErrDamaged", round, useErr)
			}
			if errors.Is(useErr, ErrDamaged) {
				found++
				if s.Health() == nil {
					t.Errorf("round %d: damage found (%v) but Health is nil", round, useErr)
				}
			}
		}
	}
	t.Logf("120 rounds: %d refused at open, %d failed in use (%d named as damage)", refused, failed, found)
	if refused == 0 {
		t.Errorf("no damaged file was refused at open")
	}
}
