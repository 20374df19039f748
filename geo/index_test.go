package geo

import (
	"math/rand"
	"testing"
)

// TestTreePrunes checks that a nearest search measures few segments, the
// point of the index: on average fewer than 30 of the line's 521 for points
// up to 200 km away.
func TestTreePrunes(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(10))
	const n = 10000
	tested := 0
	for range n {
		s := search{p: m.project(randomNear(m, r, 200e3)), seg: -1, best: 1e300}
		m.tree.search(0, &s)
		tested += s.tested
	}
	avg := float64(tested) / n
	t.Logf("%.1f segments measured per search, of %d", avg, len(m.pts)-1)
	if avg > 30 {
		t.Errorf("%.1f segments measured per search, want at most 30", avg)
	}
}

func TestTreeOverlapping(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(11))
	for range 1000 {
		c := m.project(randomNear(m, r, 20e3))
		q := box{c.x - 3000, c.y - 2000, c.x + 3000, c.y + 2000}
		got := map[int]bool{}
		m.tree.overlapping(q, func(i int) { got[i] = true })
		for i := 0; i+1 < len(m.pts); i++ {
			want := emptyBox().extend(m.pts[i]).extend(m.pts[i+1]).intersects(q)
			if got[i] != want {
				t.Fatalf("segment %d in %v: overlapping = %v, want %v", i, q, got[i], want)
			}
		}
	}
}
