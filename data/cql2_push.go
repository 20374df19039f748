package data

import (
	"math"

	"github.com/paulmach/orb"
)

// Push narrows f with what of the filter the index can select (the
// conjuncts on type, direction, sector, date and the geometry's box at the
// top of the filter) and reports whether f now selects exactly what the
// filter does: then it need not be evaluated on each incident. Push only
// narrows: with Match it selects the same incidents as without.
func (x *CQL2) Push(f *Filter) (exact bool) {
	conj := []node{x.root}
	if b, ok := x.root.(boolOp); ok && b.and {
		conj = b.args
	}
	exact = true
	for _, c := range conj {
		if !push(c, f) {
			exact = false
		}
	}
	return exact
}

// flipped is the comparison with its operands swapped.
var flipped = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

func push(n node, f *Filter) bool {
	switch n := n.(type) {
	case cmpOp:
		p, lit, op := n.l, n.r, n.op
		if _, ok := p.(property); !ok {
			p, lit, op = n.r, n.l, flipped[n.op]
		}
		prop, ok := p.(property)
		s, isStr := lit.(strLit)
		if !ok || !isStr {
			return false
		}
		if prop.name == "date" {
			return pushDate(op, string(s), f)
		}
		if op != "=" {
			return false
		}
		return pushEnum(prop.name, []string{string(s)}, f)
	case inOp:
		prop, ok := n.x.(property)
		if !ok {
			return false
		}
		var values []string
		for _, e := range n.list {
			s, ok := e.(strLit)
			if !ok {
				return false
			}
			values = append(values, string(s))
		}
		return pushEnum(prop.name, values, f)
	case spatialOp:
		p, lit := n.l, n.r
		if _, ok := p.(property); !ok {
			p, lit = n.r, n.l
		}
		prop, ok1 := p.(property)
		g, ok2 := lit.(geomLit)
		if !ok1 || !ok2 || prop.name != "geometry" {
			return false
		}
		b := g.g.Bound()
		if _, isMulti := g.g.(orb.MultiPolygon); isMulti && b.Max[0]-b.Min[0] >= 360 {
			return false // a box across the antimeridian
		}
		if f.BBox != nil {
			b = orb.Bound{Min: orb.Point{math.Max(b.Min[0], f.BBox.Min[0]), math.Max(b.Min[1], f.BBox.Min[1])},
				Max: orb.Point{math.Min(b.Max[0], f.BBox.Max[0]), math.Min(b.Max[1], f.BBox.Max[1])}}
		}
		f.BBox = &b
		_, isBox := g.g.(orb.Bound)
		return isBox // the incidents are points: in the box is intersecting it
	case temporalOp:
		prop, ok := n.l.(property)
		if !ok || prop.name != "date" {
			return false
		}
		var iv [2]int
		switch v := n.r.(type) {
		case dateLit:
			iv = [2]int{v.day, v.day}
		case timeLit:
			iv = [2]int{v.day, v.day}
		case interval:
			iv = [2]int{v.from, v.to}
		default:
			return false
		}
		switch n.op {
		case "t_intersects":
			if iv[0] != minDay {
				k := dayKeyOf(iv[0])
				f.From, f.Since = max(f.From, yearStart(k)), max(f.Since, k)
			}
			if iv[1] != maxDay {
				f.To = minKey(f.To, dayKeyOf(iv[1]))
			}
			return true
		case "t_after":
			if iv[1] == maxDay {
				return false
			}
			f.From = max(f.From, dayKeyOf(iv[1])+1)
			return true
		case "t_before":
			if iv[0] != minDay {
				f.To = minKey(f.To, dayKeyOf(iv[0])-1)
			}
			return false // a month or a year may end after the start
		}
	}
	return false
}

// minKey is the smaller of two To bounds, 0 being open.
func minKey(a, b uint32) uint32 {
	if a == 0 {
		return b
	}
	return min(a, b)
}

// pushDate narrows f with date op s, where s is a date as the incidents
// write them: their text orders as their keys do.
func pushDate(op, s string, f *Filter) bool {
	d, err := ParseDate(s)
	if err != nil || d.String() != s {
		return false
	}
	k := d.Key()
	switch op {
	case "=":
		f.From, f.To = max(f.From, k), minKey(f.To, k)
	case ">":
		f.From = max(f.From, k+1)
	case ">=":
		f.From = max(f.From, k)
	case "<":
		f.To = minKey(f.To, k-1)
	case "<=":
		f.To = minKey(f.To, k)
	default:
		return false
	}
	if f.To != 0 && f.From > f.To {
		f.From, f.To = math.MaxUint32, 1 // nothing
	}
	return true
}

// pushEnum narrows f's list of types, directions or sectors to values.
func pushEnum(name string, values []string, f *Filter) bool {
	switch name {
	case "type":
		return narrow(&f.Types, Types, values)
	case "direction":
		return narrow(&f.Directions, Directions, values)
	case "sector":
		return narrow(&f.Sectors, sectors, values)
	}
	return false
}

func narrow[T ~string](list *[]T, valid []T, values []string) bool {
	var keep []T
	for _, v := range values {
		t := T(v)
		if !contains(valid, t) {
			continue // matches nothing
		}
		if (*list == nil || contains(*list, t)) && !contains(keep, t) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		return false // nothing matches: leave it to the evaluation
	}
	*list = keep
	return true
}
