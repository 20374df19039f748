package geo

import (
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
)

// benchPoints returns n random points up to 200 km from the line, from a
// seeded generator.
func benchPoints(b *testing.B, m *MDL, n int) []orb.Point {
	b.Helper()
	r := rand.New(rand.NewSource(42))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = randomNear(m, r, 200e3)
	}
	return pts
}

// placeNaive is Side and Distance by a scan of every segment: the
// baseline for the segment tree.
func (m *MDL) placeNaive(p orb.Point) (Side, float64) {
	q := m.project(p)
	seg, t, _ := m.tree.nearestNaive(q)
	f := m.footAt(p, q, seg, t)
	if f.distM <= onLineM {
		return OnLine, f.distM
	}
	return m.side(f), f.distM
}

// BenchmarkSideDistance100k measures Side and distance for 100,000 points
// (one op is the whole batch), through the segment tree and by a naive
// scan of every segment.
func BenchmarkSideDistance100k(b *testing.B) {
	m := loadMDL(b)
	pts := benchPoints(b, m, 100000)
	b.Run("indexed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range pts {
				f := m.foot(p)
				if f.distM > onLineM {
					m.side(f)
				}
			}
		}
	})
	b.Run("naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range pts {
				m.placeNaive(p)
			}
		}
	})
}

// BenchmarkPlace measures Place (nearest point, distance, side, chainage,
// sector) per point, and the naive scan beside it.
func BenchmarkPlace(b *testing.B) {
	m := loadMDL(b)
	pts := benchPoints(b, m, 4096)
	b.Run("indexed", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.Place(pts[i%len(pts)])
			i++
		}
	})
	b.Run("naive", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.placeNaive(pts[i%len(pts)])
			i++
		}
	})
}

// BenchmarkCrossings measures Crossings for a 20-vertex path across the
// line.
func BenchmarkCrossings(b *testing.B) {
	m := loadMDL(b)
	r := rand.New(rand.NewSource(43))
	p := m.pts[len(m.pts)/2]
	path := orb.LineString{m.unproject(p)}
	for range 19 {
		p = p.add(vec{(r.Float64() - 0.5) * 6000, (r.Float64() - 0.5) * 6000})
		path = append(path, m.unproject(p))
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Crossings(path)
	}
}

// BenchmarkDMZ measures building the band and limit lines, done once per
// MDL.
func BenchmarkDMZ(b *testing.B) {
	m := loadMDL(b)
	b.ReportAllocs()
	for b.Loop() {
		buffer(m.pts, HalfWidthM)
	}
}
