package geo

// The pieces of buffer's construction: the raw offset curve of a polyline,
// its self-intersections, and the pieces a ring is cut into at them.

import (
	"math"
	"slices"
)

// rawOffset returns the raw offset curve of pts at distance r on one side:
// the offset segments, joined by round arcs on the outer side of each bend
// and by a straight chord on the inner side.
func rawOffset(pts []vec, r float64, leftSide bool) []vec {
	s := 1.0
	if !leftSide {
		s = -1
	}
	normal := func(i int) vec {
		d := pts[i+1].sub(pts[i])
		d = d.scale(s / d.norm())
		return vec{-d.y, d.x}
	}
	maxStep := 2 * math.Acos(r/(r+arcToleranceM))
	out := make([]vec, 0, 2*len(pts))
	n0 := normal(0)
	out = append(out, pts[0].add(n0.scale(r)))
	for i := 1; i+1 < len(pts); i++ {
		n1 := normal(i)
		v := pts[i]
		turn := pts[i].sub(pts[i-1]).cross(pts[i+1].sub(pts[i]))
		if s*turn > 0 {
			// The inner side of the bend: the offset segments meet at
			// their miter point if they reach it; if not, a chord joins
			// them and the loop it closes is trimmed later.
			// The segment from the last point emitted keeps the curve
			// from doubling back when two miters meet on a short segment.
			a0, a1 := out[len(out)-1], v.add(n0.scale(r))
			b0, b1 := v.add(n1.scale(r)), pts[i+1].add(n1.scale(r))
			if t, _, ok := segmentIntersection(a0, a1, b0, b1); ok && t > 0 {
				out = append(out, a0.lerp(a1, t))
			} else {
				out = append(out, a1, b0)
			}
			n0 = n1
			continue
		}
		out = append(out, v.add(n0.scale(r)))
		if s*turn < 0 {
			// The outer side of the bend: an arc around v from n0 to n1.
			a0 := math.Atan2(n0.y, n0.x)
			da := math.Atan2(n0.cross(n1), n0.dot(n1))
			steps := int(math.Ceil(math.Abs(da) / maxStep))
			h := da / float64(steps)
			rc := r / math.Cos(h/2)
			for k := 1; k <= steps; k++ {
				a := a0 + h*(float64(k)-0.5)
				out = append(out, v.add(vec{math.Cos(a), math.Sin(a)}.scale(rc)))
			}
		}
		out = append(out, v.add(n1.scale(r)))
		n0 = n1
	}
	out = append(out, pts[len(pts)-1].add(n0.scale(r)))
	return slices.CompactFunc(out, func(a, b vec) bool { return a == b })
}

// piece is a part of a closed ring between two of its nodes: its
// self-intersections and the junctions of its parts.
type piece struct {
	from, to int
	part     part
	pts      []vec
}

// pieceMid returns the point halfway along a piece.
func pieceMid(pts []vec) vec {
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += pts[i].sub(pts[i-1]).norm()
	}
	half := total / 2
	for i := 1; i < len(pts); i++ {
		l := pts[i].sub(pts[i-1]).norm()
		if l >= half && l > 0 {
			return pts[i-1].lerp(pts[i], half/l)
		}
		half -= l
	}
	return pts[0]
}

// cut is a self-intersection of a curve, placed on one of its segments.
type cut struct {
	seg  int
	t    float64
	node int
	p    vec
}

// splitRing cuts the closed ring pts, whose segment i belongs to
// parts[i], at every point where it crosses itself and where its part
// changes, and returns the pieces in order.
func splitRing(pts []vec, parts []part) []piece {
	var cuts []cut
	node := 1
	for _, x := range selfIntersections(pts, true) {
		cuts = append(cuts, cut{x.i, x.ti, node, x.p}, cut{x.j, x.tj, node, x.p})
		node++
	}
	for i := 1; i < len(parts); i++ {
		if parts[i] != parts[i-1] {
			cuts = append(cuts, cut{i, 0, node, pts[i]})
			node++
		}
	}
	slices.SortFunc(cuts, func(a, b cut) int {
		if a.seg != b.seg {
			return a.seg - b.seg
		}
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})
	// Cuts at the same point make one node: same[n] is the node n
	// merged into, if any.
	same := make([]int, node)
	for i := range same {
		same[i] = i
	}
	find := func(n int) int {
		for same[n] != n {
			n = same[n]
		}
		return n
	}
	var pieces []piece
	cur := piece{from: 0, part: parts[0], pts: []vec{pts[0]}}
	k := 0
	for i := 0; i+1 < len(pts); i++ {
		for ; k < len(cuts) && cuts[k].seg == i; k++ {
			c := cuts[k]
			if c.t > 0 {
				cur.pts = append(cur.pts, c.p)
			}
			if len(cur.pts) == 1 {
				same[find(c.node)] = find(cur.from)
				cur.part = parts[i]
				continue
			}
			cur.to = c.node
			pieces = append(pieces, cur)
			cur = piece{from: c.node, part: parts[i], pts: []vec{c.p}}
		}
		cur.pts = append(cur.pts, pts[i+1])
	}
	if len(cur.pts) > 1 {
		cur.to = 0
		pieces = append(pieces, cur)
	} else if len(pieces) > 0 {
		same[find(cur.from)] = find(0)
	}
	for i := range pieces {
		pieces[i].from, pieces[i].to = find(pieces[i].from), find(pieces[i].to)
	}
	return pieces
}

// crossingPoint is a proper crossing of segments i and j of a polyline, at
// parameter ti on i and tj on j.
type crossingPoint struct {
	i, j   int
	ti, tj float64
	p      vec
}

// selfIntersections returns every crossing of two non-adjacent segments of
// the polyline pts (a closed ring if closed), found through a segment tree.
// A crossing at a vertex is counted on the segment that vertex starts.
func selfIntersections(pts []vec, closed bool) []crossingPoint {
	tree := newSegTree(pts)
	last := len(pts) - 2
	var out []crossingPoint
	for i := 0; i <= last; i++ {
		a, b := pts[i], pts[i+1]
		tree.overlapping(emptyBox().extend(a).extend(b), func(j int) {
			if j <= i+1 || closed && i == 0 && j == last {
				return
			}
			c, d := pts[j], pts[j+1]
			ti, tj, ok := segmentIntersection(a, b, c, d)
			if !ok || ti == 1 && i < last || tj == 1 && j < last {
				return
			}
			out = append(out, crossingPoint{i, j, ti, tj, a.lerp(b, ti)})
		})
	}
	return out
}

// segmentIntersection returns the parameters of the intersection of
// segments a–b and c–d, if they meet at a single point.
func segmentIntersection(a, b, c, d vec) (t, u float64, ok bool) {
	ab, cd, ac := b.sub(a), d.sub(c), c.sub(a)
	den := ab.cross(cd)
	if den == 0 {
		return 0, 0, false
	}
	t = ac.cross(cd) / den
	u = ac.cross(ab) / den
	if t < 0 || t > 1 || u < 0 || u > 1 {
		return 0, 0, false
	}
	return t, u, true
}

// signedArea is the area of the closed ring pts, positive when it runs
// counter-clockwise.
func signedArea(pts []vec) float64 {
	s := 0.0
	for i := 0; i+1 < len(pts); i++ {
		s += pts[i].cross(pts[i+1])
	}
	return s / 2
}
