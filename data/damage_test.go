package data

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// seededFile writes a database holding the seed and returns its path and
// its bytes.
func seededFile(t *testing.T) (string, []byte) {
	t.Helper()
	s, path := openStore(t)
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

// TestDamageThatWouldNotEnd: page headers whose overflow counts or
// freelist count claim billions of pages are refused at once, where
// bbolt's Tx.Check or its freelist load would loop or allocate for them.
func TestDamageThatWouldNotEnd(t *testing.T) {
	path, orig := seededFile(t)
	const ps = 4096
	le := binary.LittleEndian
	m0, m1 := readMeta(orig), readMeta(orig[ps:])
	best := m0
	if m1.txid > m0.txid {
		best = m1
	}
	cases := []struct {
		name   string
		damage func(b []byte)
	}{
		{"every tree page overflows by 2^31", func(b []byte) {
			for p := 2; p < int(best.pgid); p++ {
				h := b[p*ps:]
				if le.Uint64(h) == uint64(p) && (le.Uint16(h[8:]) == branchPageFlag || le.Uint16(h[8:]) == leafPageFlag) {
					le.PutUint32(h[12:], 1<<31)
				}
			}
		}},
		{"the freelist counts 2^62 pages", func(b []byte) {
			h := b[int(best.freelist)*ps:]
			le.PutUint16(h[10:], 0xFFFF)
			le.PutUint64(h[16:], 1<<62)
		}},
		{"the freelist page is a leaf", func(b []byte) { le.PutUint16(b[int(best.freelist)*ps+8:], leafPageFlag) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), orig...)
			tc.damage(b)
			os.WriteFile(path, b, 0o600)
			began := time.Now()
			if _, err := CheckFile(path, Options{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("CheckFile = %v, want an error of ErrDamaged", err)
			}
			s, err := Open(path, mdl(t), Options{})
			if err == nil {
				if err := s.Check(); !errors.Is(err, ErrDamaged) {
					t.Errorf("Check = %v, want an error of ErrDamaged", err)
				}
				s.Close()
			} else if !errors.Is(err, ErrDamaged) {
				t.Errorf("Open = %v, want nil or an error of ErrDamaged", err)
			}
			if took := time.Since(began); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}
