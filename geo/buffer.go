package geo

// A general polyline buffer with round joins and flat ends, in the
// projected plane: what DMZ computes the band and its limit lines with.

import (
	"math"
	"slices"
)

// arcToleranceM is the largest gap between a round join's arc and the
// chords that draw it, in metres.
const arcToleranceM = 0.5

// trimToleranceM is how much nearer than the offset distance to the line a
// piece of a raw offset curve must lie to be dropped, in metres: pieces of
// the true offset lie at the offset distance up to rounding.
const trimToleranceM = 1e-5

// buffer returns the band of half width r around the polyline pts, with
// round joins and flat ends: its closed exterior ring (counter-clockwise,
// first point repeated last, starting where the right limit line starts),
// its left (north) and right (south) limit lines, both running the way pts
// does, its holes (clockwise), and whether each end (start, end) was cut
// flat.
//
// It first builds the round buffer {q : dist(q, pts) ≤ r}, whose boundary
// lies on the raw boundary: the right raw offset curve, a half circle
// around the end of the line, the left raw offset curve backwards and a
// half circle around its start. A raw offset curve is the segments moved r
// sideways, joined by arcs of radius r around the vertices on the outer
// side of each bend (drawn with chords tangent to the circle, so that no
// point of the arc lies nearer than r) and, on the inner side, at the
// point where the moved segments meet, or by a chord when they do not
// reach each other. The raw boundary is cut at its self-intersections into
// pieces; the pieces nearer than r to the line are dropped (the loops
// formed on the inner side of bends), and those left are chained at the
// intersection points into the exterior ring and any holes.
//
// Each end is then cut flat: the buffer is split along the chord through
// the end of the line perpendicular to its end segment, and the piece
// behind it dropped, if that piece lies near the end (within 3r along the
// line); a line that winds back round its end keeps a round end there.
func buffer(pts []vec, r float64) (ring, left, right []vec, holes [][]vec, flat [2]bool) {
	n := len(pts)
	rightRaw := rawOffset(pts, r, false)
	leftRaw := rawOffset(pts, r, true)
	var raw []vec
	var parts []part // the part of the boundary each segment of raw belongs to
	add := func(p part, vs ...vec) {
		for _, v := range vs {
			if len(raw) > 0 {
				if raw[len(raw)-1] == v {
					continue
				}
				parts = append(parts, p)
			}
			raw = append(raw, v)
		}
	}
	dEnd := unit(pts[n-1].sub(pts[n-2]))
	dStart := unit(pts[1].sub(pts[0]))
	add(partRight, rightRaw...)
	add(partCap, halfCircle(pts[n-1], dEnd, r)...)
	add(partCap, leftRaw[len(leftRaw)-1])
	for i := len(leftRaw) - 2; i >= 0; i-- {
		add(partLeft, leftRaw[i])
	}
	add(partCap, halfCircle(pts[0], dStart.scale(-1), r)...)
	add(partCap, rightRaw[0])

	tree := newSegTree(pts)
	var kept []piece
	for _, pc := range splitRing(raw, parts) {
		if _, _, d2 := tree.nearest(pieceMid(pc.pts)); d2 >= (r-trimToleranceM)*(r-trimToleranceM) {
			kept = append(kept, pc)
		}
	}
	loops := chainPieces(kept, extremePiece(kept))
	if len(loops) == 0 {
		return nil, nil, nil, nil, flat
	}
	var rings []tagged
	for _, l := range loops {
		var t tagged
		for _, pc := range l {
			for k := 1; k < len(pc.pts); k++ {
				t = t.add(pc.pts[k-1], pc.pts[k], pc.part)
			}
		}
		rings = append(rings, t.close())
	}

	// The segments within 3r along the line of each end.
	firstFar, lastFar := n-2, 0
	for i, l := 0, 0.0; i < n-1 && l <= 3*r; i++ {
		firstFar = i
		l += pts[i+1].sub(pts[i]).norm()
	}
	for i, l := n-2, 0.0; i >= 0 && l <= 3*r; i-- {
		lastFar = i
		l += pts[i+1].sub(pts[i]).norm()
	}
	ext := rings[0]
	ext, flat[1] = cutEnd(ext, pts[n-1], dEnd, func(q vec) bool {
		seg, _, _ := tree.nearest(q)
		return seg >= lastFar
	})
	ext, flat[0] = cutEnd(ext, pts[0], dStart.scale(-1), func(q vec) bool {
		seg, _, _ := tree.nearest(q)
		return seg <= firstFar
	})

	// Start the ring where the right limit line starts.
	m := len(ext.parts)
	start := 0
	for k := range m {
		if ext.parts[k] == partRight && ext.parts[(k+m-1)%m] != partRight {
			start = k
			break
		}
	}
	for k := range m {
		e := (start + k) % m
		a, b := ext.pts[e], ext.pts[e+1]
		ring = appendPath(ring, []vec{a, b})
		switch ext.parts[e] {
		case partRight:
			right = appendPath(right, []vec{a, b})
		case partLeft:
			left = appendPath(left, []vec{a, b})
		}
	}
	slices.Reverse(left)
	for _, h := range rings[1:] {
		if signedArea(h.pts) < -1 {
			holes = append(holes, h.pts)
		}
	}
	return ring, left, right, holes, flat
}

// cutEnd cuts the counter-clockwise ring t along the chord through p
// perpendicular to d (the line's direction out of its end at p): the
// stretch of that line through p that lies inside the ring. It drops the
// piece on the side d points to, and reports whether it did: it does not
// if p is not inside the ring or if some vertex of that piece fails local.
func cutEnd(t tagged, p, d vec, local func(vec) bool) (tagged, bool) {
	n := len(t.parts)
	behind := func(v vec) float64 { return v.sub(p).dot(d) }
	u := vec{-d.y, d.x}
	type crossing struct {
		edge  int
		at    vec
		pos   float64 // along u from p
		ahead bool    // whether the ring goes behind here
	}
	a, b := crossing{pos: math.Inf(-1)}, crossing{pos: math.Inf(1)}
	for k := range n {
		sa, sb := behind(t.pts[k]), behind(t.pts[k+1])
		if (sa > 0) == (sb > 0) {
			continue
		}
		at := t.pts[k].lerp(t.pts[k+1], sa/(sa-sb))
		c := crossing{edge: k, at: at, pos: at.sub(p).dot(u), ahead: sb > 0}
		if c.pos <= 0 && c.pos > a.pos {
			a = c
		}
		if c.pos > 0 && c.pos < b.pos {
			b = c
		}
	}
	if math.IsInf(a.pos, 0) || math.IsInf(b.pos, 0) || a.ahead == b.ahead {
		return t, false
	}
	// path returns the ring from crossing x forward to crossing y.
	path := func(x, y crossing) tagged {
		var out tagged
		q := x.at
		for k := x.edge; ; k = (k + 1) % n {
			if k == y.edge {
				return out.add(q, y.at, t.parts[k])
			}
			out = out.add(q, t.pts[k+1], t.parts[k])
			q = t.pts[k+1]
		}
	}
	front, back := path(b, a), path(a, b)
	if b.ahead {
		front, back = path(a, b), path(b, a)
	}
	for _, v := range back.pts {
		if !local(v) {
			return t, false
		}
	}
	last := front.pts[len(front.pts)-1]
	return front.add(last, front.pts[0], partCap).close(), true
}

func unit(v vec) vec { return v.scale(1 / v.norm()) }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// halfCircle returns the points of the half circle of radius r around c on
// the side d points to, counter-clockwise, drawn with tangent chords, but
// for its ends.
func halfCircle(c, d vec, r float64) []vec {
	maxStep := 2 * math.Acos(r/(r+arcToleranceM))
	steps := int(math.Ceil(math.Pi / maxStep))
	h := math.Pi / float64(steps)
	rc := r / math.Cos(h/2)
	a0 := math.Atan2(d.y, d.x) - math.Pi/2
	out := make([]vec, 0, steps+2)
	// The ends are computed as rawOffset computes the ends of the offset
	// curves, so that they meet exactly.
	out = append(out, c.add(vec{d.y, -d.x}.scale(r)))
	for k := 1; k <= steps; k++ {
		a := a0 + h*(float64(k)-0.5)
		out = append(out, c.add(vec{math.Cos(a), math.Sin(a)}.scale(rc)))
	}
	return append(out, c.add(vec{-d.y, d.x}.scale(r)))
}

// tagged is a closed ring whose edge k, from pts[k] to pts[k+1], belongs
// to parts[k].
type tagged struct {
	pts   []vec
	parts []part
}

// add appends the edge a–b of part p, skipping empty edges.
func (t tagged) add(a, b vec, p part) tagged {
	if len(t.pts) > 0 && near(t.pts[len(t.pts)-1], a) {
		a = t.pts[len(t.pts)-1]
	}
	if near(a, b) {
		return t
	}
	if len(t.pts) == 0 || t.pts[len(t.pts)-1] != a {
		if len(t.pts) > 0 {
			t.parts = append(t.parts, partCap)
		}
		t.pts = append(t.pts, a)
	}
	t.pts = append(t.pts, b)
	t.parts = append(t.parts, p)
	return t
}

// close joins the ring's last point to its first.
func (t tagged) close() tagged {
	if len(t.pts) > 0 && t.pts[0] != t.pts[len(t.pts)-1] {
		if near(t.pts[0], t.pts[len(t.pts)-1]) {
			t.pts[len(t.pts)-1] = t.pts[0]
		} else {
			t = t.add(t.pts[len(t.pts)-1], t.pts[0], partCap)
		}
	}
	return t
}

// part is a part of the raw boundary of a band.
type part int8

const (
	partRight part = iota
	partLeft
	partCap
)

// appendPath appends the path vs to path, dropping the first point of vs
// when it repeats the last of path.
func appendPath(path, vs []vec) []vec {
	if len(path) > 0 && len(vs) > 0 && near(path[len(path)-1], vs[0]) {
		vs = vs[1:]
	}
	return append(path, vs...)
}

// near reports whether a and b are within a micrometre: the same point
// computed two ways.
func near(a, b vec) bool { return a.dist2(b) < 1e-12 }

// extremePiece returns the piece holding the easternmost vertex: a point
// of the round buffer's exterior ring, since no point of the raw boundary
// lies outside the buffer by more than the arcs' tolerance.
func extremePiece(pieces []piece) int {
	best, bestX := -1, math.Inf(-1)
	for i, pc := range pieces {
		for _, v := range pc.pts {
			if v.x > bestX {
				best, bestX = i, v.x
			}
		}
	}
	return best
}

// chainPieces joins pieces end to start at their nodes into closed loops,
// the first starting with pieces[first].
func chainPieces(pieces []piece, first int) [][]piece {
	if first < 0 {
		return nil
	}
	used := make([]bool, len(pieces))
	starting := map[int][]int{}
	for i, pc := range pieces {
		starting[pc.from] = append(starting[pc.from], i)
	}
	// next returns the unused piece that starts at node, preferring one
	// that does not come straight back to it.
	next := func(node int) int {
		found := -1
		for _, i := range starting[node] {
			if used[i] {
				continue
			}
			if pieces[i].to != node {
				return i
			}
			found = i
		}
		return found
	}
	chain := func(i int) (loop []piece, closed bool) {
		start := pieces[i].from
		for i >= 0 {
			used[i] = true
			loop = append(loop, pieces[i])
			if pieces[i].to == start {
				return loop, true
			}
			i = next(pieces[i].to)
		}
		return loop, false
	}
	var loops [][]piece
	if l, ok := chain(first); ok {
		loops = append(loops, l)
	} else {
		return nil
	}
	for i := range pieces {
		if !used[i] {
			if l, ok := chain(i); ok {
				loops = append(loops, l)
			}
		}
	}
	return loops
}
