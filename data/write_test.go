package data

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCreateUpdateDeleteWithHistory(t *testing.T) {
	s, _ := openStore(t)
	in := valid()
	f1, err := s.Create(in, "first report")
	if err != nil {
		t.Fatal(err)
	}
	etag1 := ETag(f1)
	if _, err := s.Create(valid(), ""); ErrorKind(err) != KindConflict {
		t.Errorf("second Create with the same id = %v, want conflict", err)
	}
	in.Summary = "Corrected summary."
	if _, err := s.Update(in, `"stale"`, "fix"); ErrorKind(err) != KindPrecondition {
		t.Errorf("Update with a stale If-Match = %v, want precondition failed", err)
	}
	f2, err := s.Update(in, etag1, "summary corrected after the JCS briefing")
	if err != nil {
		t.Fatal(err)
	}
	etag2 := ETag(f2)
	if etag2 == etag1 {
		t.Errorf("ETag did not change on update")
	}
	if f, _ := s.Feature(in.ID); ETag(f) != etag2 {
		t.Errorf("ETag of the stored feature = %s, want %s", ETag(f), etag2)
	}
	missing := valid()
	missing.ID = "no-such-incident"
	if _, err := s.Update(missing, "*", ""); ErrorKind(err) != KindNotFound {
		t.Errorf("Update of a missing id = %v, want not found", err)
	}
	if err := s.Delete(in.ID, etag1, "dup"); ErrorKind(err) != KindPrecondition {
		t.Errorf("Delete with a stale If-Match = %v, want precondition failed", err)
	}
	if err := s.Delete(in.ID, etag2, "duplicate of another record"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(in.ID); ErrorKind(err) != KindNotFound {
		t.Errorf("Get after Delete = %v, want not found", err)
	}
	if got := ids(t, s, Filter{}); len(got) != 0 {
		t.Errorf("listing after Delete = %v, want empty", got)
	}
	var crossings int
	s.Crossings(Filter{}, func([]byte) error { crossings++; return nil })
	if crossings != 0 {
		t.Errorf("%d crossings after Delete, want 0", crossings)
	}
	h, err := s.History(in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions, reasons []string
	for _, r := range h {
		actions = append(actions, string(r.Action))
		reasons = append(reasons, r.Reason)
	}
	if want := []string{"create", "update", "delete"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("history actions = %v, want %v", actions, want)
	}
	if reasons[1] != "summary corrected after the JCS briefing" {
		t.Errorf("history reasons = %q", reasons)
	}
	if !reflect.DeepEqual(h[1].Changed, []string{"summary"}) {
		t.Errorf("update changed %v, want [summary]", h[1].Changed)
	}
	if h[2].Feature != nil || h[1].Rev != 2 {
		t.Errorf("tombstone %+v, rev %d", h[2], h[1].Rev)
	}
	if _, err := s.History("never-existed"); ErrorKind(err) != KindNotFound {
		t.Errorf("History of an unknown id = %v, want not found", err)
	}
}

func TestImportModesAndDryRun(t *testing.T) {
	s, _ := openStore(t)
	res, err := s.Import(fixture(), ImportOptions{DryRun: true})
	if err != nil || res.Created != 7 || !res.DryRun {
		t.Fatalf("dry run = %+v, %v", res, err)
	}
	if n, _ := s.Count(); n != 0 {
		t.Fatalf("dry run wrote %d incidents", n)
	}
	if _, err := s.Import(fixture(), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(fixture()[:2], ImportOptions{Mode: ModeCreate}); ErrorKind(err) != KindConflict {
		t.Errorf("create-mode import of stored ids = %v, want conflict", err)
	}
	res, err = s.Import(fixture(), ImportOptions{Mode: ModeUpsert})
	if err != nil || res.Updated != 7 || res.Created != 0 {
		t.Errorf("upsert = %+v, %v; want 7 updated", res, err)
	}
	dup := fixture()
	dup[4].ID = dup[1].ID
	if _, err := s.Import(dup, ImportOptions{Mode: ModeUpsert}); ErrorKind(err) != KindInvalid {
		t.Errorf("import with a repeated id = %v, want invalid", err)
	}
}

// TestBackupWhileWriting takes a backup while writers run and checks that
// it opens as a consistent database holding every write acknowledged before
// the backup began.
func TestBackupWhileWriting(t *testing.T) {
	s, _ := openStore(t)
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				in := valid()
				in.ID = fmt.Sprintf("w%d-%05d", w, i)
				if _, err := s.Create(in, "load"); err != nil {
					t.Error(err)
					return
				}
				acked.Add(1)
			}
		}(w)
	}
	for acked.Load() < 200 {
	}
	before := acked.Load()
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := writeFile(path, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, mdl(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(); err != nil {
		t.Errorf("backup fails the consistency check: %v", err)
	}
	if n, _ := b.Count(); int64(n) < before {
		t.Errorf("backup holds %d incidents, want at least the %d acknowledged before it began", n, before)
	}
}

func TestRestore(t *testing.T) {
	s, _ := openStore(t)
	s.Put(fixture()...)
	backup := filepath.Join(t.TempDir(), "b.db")
	var buf bytes.Buffer
	s.Backup(&buf)
	writeFile(backup, buf.Bytes())

	dst := filepath.Join(t.TempDir(), "live.db")
	d, _ := Open(dst, mdl(t), Options{})
	d.Put(valid())
	if err := Restore(backup, dst, 100e6); ErrorKind(err) != KindUnavailable {
		t.Errorf("Restore over an open database = %v, want in use", err)
	}
	d.Close()
	if err := Restore(backup, dst, 100e6); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dst, mdl(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, _ := r.Count(); n != 7 {
		t.Errorf("restored database holds %d incidents, want 7", n)
	}
	if err := writeFile(backup, []byte("not a database")); err != nil {
		t.Fatal(err)
	}
	if err := Restore(backup, dst, 100e6); err == nil {
		t.Errorf("Restore from garbage succeeded")
	}
}

// TestConcurrentWritesKeepIndex moves one incident to many dates at once
// from several goroutines: the in-memory index must end with the one entry
// bbolt holds, whatever order the writes committed in.
func TestConcurrentWritesKeepIndex(t *testing.T) {
	s, _ := openStore(t)
	in := valid()
	if err := s.Put(in); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				c := *in
				c.Date = Date{Year: 1960 + g, Month: 1 + i%12, Day: 1 + i}
				if _, err := s.Update(&c, "*", "moved"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	stored, err := s.Get(in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	s.index.snapshot().ascend(0, 0, func(e *entry) bool { keys = append(keys, e.key); return true })
	if want := string(dateKey(stored.Date.Key(), in.ID)); len(keys) != 1 || keys[0] != want {
		t.Errorf("the index holds %q, want only the stored date's key %q", keys, want)
	}
}
