package geo

import "math"

// leafSize is the most segments a leaf of the segment tree holds.
const leafSize = 8

// vec is a point or a vector in the projected plane, in metres.
type vec struct{ x, y float64 }

func (a vec) sub(b vec) vec             { return vec{a.x - b.x, a.y - b.y} }
func (a vec) add(b vec) vec             { return vec{a.x + b.x, a.y + b.y} }
func (a vec) scale(k float64) vec       { return vec{a.x * k, a.y * k} }
func (a vec) dot(b vec) float64         { return a.x*b.x + a.y*b.y }
func (a vec) cross(b vec) float64       { return a.x*b.y - a.y*b.x }
func (a vec) norm() float64             { return math.Hypot(a.x, a.y) }
func (a vec) dist2(b vec) float64       { d := a.sub(b); return d.dot(d) }
func (a vec) lerp(b vec, t float64) vec { return vec{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }

// box is an axis-aligned rectangle in the projected plane.
type box struct{ minX, minY, maxX, maxY float64 }

func emptyBox() box {
	return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (b box) extend(p vec) box {
	return box{math.Min(b.minX, p.x), math.Min(b.minY, p.y), math.Max(b.maxX, p.x), math.Max(b.maxY, p.y)}
}

func (b box) union(o box) box {
	return box{math.Min(b.minX, o.minX), math.Min(b.minY, o.minY), math.Max(b.maxX, o.maxX), math.Max(b.maxY, o.maxY)}
}

func (b box) intersects(o box) bool {
	return b.minX <= o.maxX && o.minX <= b.maxX && b.minY <= o.maxY && o.minY <= b.maxY
}

// dist2 is the squared distance from p to the box, 0 inside it.
func (b box) dist2(p vec) float64 {
	var dx, dy float64
	if p.x < b.minX {
		dx = b.minX - p.x
	} else if p.x > b.maxX {
		dx = p.x - b.maxX
	}
	if p.y < b.minY {
		dy = b.minY - p.y
	} else if p.y > b.maxY {
		dy = p.y - b.maxY
	}
	return dx*dx + dy*dy
}

// segTree is a bounding-volume hierarchy over the consecutive segments of a
// polyline: each node covers a run of segments, and because neighbouring
// segments of a line lie close together the runs make tight boxes. Nearest
// searches descend it branch-and-bound, nearer child first, pruning every
// node whose box lies farther than the best segment found so far.
type segTree struct {
	pts   []vec // the polyline's vertices; segment i runs from pts[i] to pts[i+1]
	nodes []treeNode
}

type treeNode struct {
	b           box
	lo, hi      int // segments [lo, hi)
	left, right int // child node indexes, -1 for a leaf
}

func newSegTree(pts []vec) *segTree {
	t := &segTree{pts: pts}
	if len(pts) >= 2 {
		t.build(0, len(pts)-1)
	}
	return t
}

func (t *segTree) build(lo, hi int) int {
	i := len(t.nodes)
	t.nodes = append(t.nodes, treeNode{lo: lo, hi: hi, left: -1, right: -1})
	if hi-lo <= leafSize {
		b := emptyBox()
		for k := lo; k <= hi; k++ {
			b = b.extend(t.pts[k])
		}
		t.nodes[i].b = b
		return i
	}
	mid := (lo + hi) / 2
	l := t.build(lo, mid)
	r := t.build(mid, hi)
	t.nodes[i].left, t.nodes[i].right = l, r
	t.nodes[i].b = t.nodes[l].b.union(t.nodes[r].b)
	return i
}

// closestOnSegment returns the parameter t in [0, 1] of the point of segment
// a–b closest to p, and the squared distance to it.
func closestOnSegment(p, a, b vec) (t, d2 float64) {
	ab := b.sub(a)
	l2 := ab.dot(ab)
	if l2 > 0 {
		t = p.sub(a).dot(ab) / l2
		if t < 0 {
			t = 0
		} else if t > 1 {
			t = 1
		}
	}
	return t, p.dist2(a.lerp(b, t))
}

// nearest returns the segment holding the point of the line nearest to p,
// the parameter of that point on it, and the squared distance.
func (t *segTree) nearest(p vec) (seg int, param, d2 float64) {
	s := search{p: p, seg: -1, best: math.Inf(1)}
	if len(t.nodes) > 0 {
		t.search(0, &s)
	}
	return s.seg, s.param, s.best
}

// search is the state of a nearest search.
type search struct {
	p      vec
	seg    int
	param  float64
	best   float64 // squared distance to the nearest point found so far
	tested int     // segments measured
}

func (t *segTree) search(n int, s *search) {
	nd := &t.nodes[n]
	if nd.left < 0 {
		for i := nd.lo; i < nd.hi; i++ {
			u, d2 := closestOnSegment(s.p, t.pts[i], t.pts[i+1])
			if d2 < s.best {
				s.seg, s.param, s.best = i, u, d2
			}
		}
		s.tested += nd.hi - nd.lo
		return
	}
	a, b := nd.left, nd.right
	da, db := t.nodes[a].b.dist2(s.p), t.nodes[b].b.dist2(s.p)
	if db < da {
		a, b, da, db = b, a, db, da
	}
	if da < s.best {
		t.search(a, s)
	}
	if db < s.best {
		t.search(b, s)
	}
}

// nearestNaive is nearest by a scan of every segment, the baseline the tree
// is measured and tested against.
func (t *segTree) nearestNaive(p vec) (seg int, param, d2 float64) {
	seg, d2 = -1, math.Inf(1)
	for i := 0; i+1 < len(t.pts); i++ {
		u, e := closestOnSegment(p, t.pts[i], t.pts[i+1])
		if e < d2 {
			seg, param, d2 = i, u, e
		}
	}
	return seg, param, d2
}

// overlapping calls fn for every segment whose bounding box meets q.
func (t *segTree) overlapping(q box, fn func(seg int)) {
	if len(t.nodes) > 0 {
		t.visit(0, q, fn)
	}
}

func (t *segTree) visit(n int, q box, fn func(seg int)) {
	nd := &t.nodes[n]
	if !nd.b.intersects(q) {
		return
	}
	if nd.left < 0 {
		for i := nd.lo; i < nd.hi; i++ {
			if emptyBox().extend(t.pts[i]).extend(t.pts[i+1]).intersects(q) {
				fn(i)
			}
		}
		return
	}
	t.visit(nd.left, q, fn)
	t.visit(nd.right, q, fn)
}
