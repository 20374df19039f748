package data

import (
	"sync"
	"testing"
)

// TestVersionFollowsWrites checks that the kept Version never outlives a
// write: after each write returns, Version says so, while readers ask for
// it all the time.
func TestVersionFollowsWrites(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(20, 3, mdl(t))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					if _, err := s.Version(); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	last := uint64(0)
	for _, in := range ins {
		if err := s.Put(in); err != nil {
			t.Fatal(err)
		}
		v, err := s.Version()
		if err != nil || v.Changes <= last {
			t.Fatalf("after a write: changes %d, before it %d (%v)", v.Changes, last, err)
		}
		last = v.Changes
	}
	close(stop)
	wg.Wait()
}
