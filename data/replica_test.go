package data

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// backupTo writes a copy of st to path.
func backupTo(t *testing.T, st *Store, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Backup(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReplicaReplace(t *testing.T) {
	primary, _ := openStore(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "replica.db")
	backupTo(t, primary, path)
	r, err := OpenReplica(path, mdl(t), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, _ := r.Count(); n != 0 {
		t.Fatalf("replica of an empty store holds %d", n)
	}

	in := valid()
	if _, err := primary.Create(in, "test"); err != nil {
		t.Fatal(err)
	}
	// A query that is running on the old copy when it is replaced ends on
	// it, and the old copy closes only then.
	inQuery, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := r.Query(Filter{}, func([]byte) error { return nil })
		done <- err
	}()
	go func() {
		c := r.acquire()
		close(inQuery)
		<-release
		_, err := c.st.Version() // still open
		c.release()
		done <- err
	}()
	<-inQuery
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, ".next")
	backupTo(t, primary, next)
	if err := r.Replace(next); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Count(); n != 1 {
		t.Errorf("after Replace the replica holds %d incidents, want 1", n)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("a query begun on the old copy failed after Replace: %v", err)
	}

	// A copy that is no database is refused, and the one served is kept.
	bad := filepath.Join(dir, ".bad")
	if err := os.WriteFile(bad, bytes.Repeat([]byte{0x42}, 32<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.Replace(bad); err == nil {
		t.Error("Replace took a file that is no database")
	}
	if n, err := r.Count(); err != nil || n != 1 {
		t.Errorf("after a refused copy the replica holds %d incidents (%v), want the 1 it had", n, err)
	}
	if _, err := r.Feature(in.ID); err != nil {
		t.Errorf("after a refused copy: %v", err)
	}
}
