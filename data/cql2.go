package data

// The syntax tree of a CQL2 filter, which both encodings parse into: the text
// encoding's lexer is in cql2_lex.go and its parser in cql2_text.go, the JSON
// encoding's parser in cql2_json.go, the geometry literals of both in
// cql2_geometry.go; cql2_eval.go evaluates the tree.

import (
	"math"

	"github.com/paulmach/orb"
)

// CQL2 filters (OGC Common Query Language, 21-065r2): Basic CQL2
// (comparisons, AND, OR, NOT, IS NULL), the advanced comparison operators
// (LIKE, BETWEEN, IN), S_INTERSECTS with points, lines, polygons, their
// multi forms and BBOX, and the temporal functions, in the text encoding
// and the JSON encoding.

// Limits of a filter, against hostile input.
const (
	maxCQL2Len   = 16 << 10
	maxCQL2Depth = 64
)

// CQL2Error is a filter that does not parse: Pos is the position of the
// error, the 1-based character of a cql2-text filter or the JSON pointer of
// the member of a cql2-json one.
type CQL2Error struct {
	Pos     string
	Message string
}

func (e *CQL2Error) Error() string { return e.Pos + ": " + e.Message }

// CQL2 is a parsed filter.
type CQL2 struct {
	root node
}

// node is a boolean expression or an operand.
type node interface{}

type (
	boolOp struct { // and, or
		and  bool
		args []node
	}
	notOp struct{ arg node }
	cmpOp struct {
		op   string
		l, r node
	} // = <> < <= > >=
	likeOp    struct{ l, pattern node }
	betweenOp struct{ x, lo, hi node }
	inOp      struct {
		x    node
		list []node
	}
	isNullOp  struct{ x node }
	spatialOp struct {
		op   string // s_intersects
		l, r node
	}
	temporalOp struct {
		op   string // t_intersects, t_before, …
		l, r node
	}
	property struct{ name string }
	// Literals.
	strLit   string
	numLit   float64
	boolLit  bool
	dateLit  struct{ day int } // days since 0000-03-01, see dayNumber
	timeLit  struct{ day int } // a timestamp, as its date
	interval struct{ from, to int }
	geomLit  struct{ g orb.Geometry }
)

// Open ends of an interval, in days.
const (
	minDay = math.MinInt32
	maxDay = math.MaxInt32
)

// spatialOps and temporalOps are the functions a filter may call.
var (
	spatialOps  = []string{"s_intersects"}
	temporalOps = []string{"t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby",
		"t_finishes", "t_intersects", "t_meets", "t_metby", "t_overlappedby", "t_overlaps", "t_startedby", "t_starts"}
)

// Properties returns the names of the properties the filter reads, each once.
func (x *CQL2) Properties() []string {
	var out []string
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case property:
			for _, p := range out {
				if p == n.name {
					return
				}
			}
			out = append(out, n.name)
		case boolOp:
			for _, a := range n.args {
				walk(a)
			}
		case notOp:
			walk(n.arg)
		case cmpOp:
			walk(n.l)
			walk(n.r)
		case likeOp:
			walk(n.l)
			walk(n.pattern)
		case betweenOp:
			walk(n.x)
			walk(n.lo)
			walk(n.hi)
		case inOp:
			walk(n.x)
			for _, a := range n.list {
				walk(a)
			}
		case isNullOp:
			walk(n.x)
		case spatialOp:
			walk(n.l)
			walk(n.r)
		case temporalOp:
			walk(n.l)
			walk(n.r)
		}
	}
	walk(x.root)
	return out
}
