package data

// The grid's layout: entries' packed attributes, cells, blocks and rows,
// and the invariants they keep. It is built in grid_build.go, changed on a
// write in grid_update.go, counted and walked in grid_query.go (and
// grid_plain.go, grid_years.go); counts, the arrays cells and blocks count
// from, are in grid_counts.go.

import (
	"math"

	"github.com/paulmach/orb"
)

// The grid of the index counts without walking: blocks of cellDeg degrees,
// each of blockSide² cells of fineDeg. A cell keeps its entries as arrays
// (dates, longitudes, latitudes, keys) sorted by attribute (type, direction
// and sector packed in one byte) and then by key, so that the matches of
// one attribute in a date range are a slice found by two binary searches.
// A block keeps only the dates of all its cells, sorted the same way. A
// bbox is counted from the blocks wholly inside it, then the cells wholly
// inside it, and only the entries of the cells it cuts are looked at one by
// one. Like the date list, the grid is immutable: a change copies the cell
// and the block it touches, the row of blocks and the list of rows.
const (
	blockSide = 8
	fineDeg   = cellDeg / blockSide
)

// badAttr is the attribute of an entry whose type, direction or sector
// code this version does not know (a damaged record): it matches only a
// filter on none of them.
const badAttr = 0xff

// packAttr packs type (bits 0–2), direction (3–4) and sector (5–7) codes.
// No valid direction is 3, so no valid entry packs as badAttr.
func packAttr(typ, dir, sector uint8) uint8 {
	if typ >= 8 || dir >= 3 || sector >= 8 {
		return badAttr
	}
	return typ | dir<<3 | sector<<5
}

func attrOf(e *entry) uint8 { return packAttr(e.typ, e.dir, e.sector) }

// typeOf is the type code of an attribute, 255 for badAttr.
func typeOf(attr uint8) uint8 {
	if attr == badAttr {
		return 255
	}
	return attr & 7
}

// cell is the entries of one square of fineDeg, its arrays in the order
// of counts.dates; byDate is the index in them of each date of all, for a
// filter on no attribute; sortedLons and sortedLats count a bbox that
// cuts the cell on one side only, for a filter on neither attribute nor
// date.
type cell struct {
	counts
	lons, lats             []float64
	keys                   []string
	ncross                 []uint8
	byDate                 []int32
	sortedLons, sortedLats []float64
	// cumLon[j] and cumLat[j] sum the points of the first j dates of all.
	cumLon, cumLat []float64
	bound          orb.Bound // of its points
}

func (c *cell) len() int { return len(c.keys) }

// block is blockSide² cells, their bound, and a table of how many of
// their entries of each attribute are dated before each year: a range of
// whole years is counted from it without a search, and a write changes a
// few hundred numbers rather than arrays of every entry. Another range is
// counted from the cells.
type block struct {
	cells     [blockSide * blockSide]*cell
	bound     orb.Bound
	n         int
	firstYear uint32
	nyears    int
	attrs     []uint8 // the attributes of the rows of cum, in order
	// cum[g*(nyears+1)+k] is how many entries of attrs[g] are dated
	// before the year firstYear+k; the row len(attrs) counts all.
	cum []int32
	// years are its sums over rectangles of cells, by type and by year,
	// made when first asked for (grid_plain.go, grid_years.go); every
	// block made or copied has its own.
	years *blockYears
}

// grid is every entry of the index in blocks, over Region; entries
// outside it (none that validate) are in stray, looked at one by one.
type grid struct {
	rows  [][]*block // rows[y-gridY0][x-gridX0]; nil until it holds a block
	stray *cell
	// aggs[y-gridY0] is the row's sums over its blocks (grid_ring.go),
	// made when first asked for; a row copied on a write gets a new one.
	aggs []*rowAgg
}

var (
	gridX0, gridY0 = cellOf(Region.Min)
	gridX1, gridY1 = cellOf(Region.Max)
)

// place returns the block and the cell of p: the indexes of the row, the
// block in it, and the cell in the block; false when p is outside.
func place(p orb.Point) (row, col, sub int, ok bool) {
	x, y := cellOf(p)
	if x < gridX0 || x > gridX1 || y < gridY0 || y > gridY1 {
		return 0, 0, 0, false
	}
	sx := int(math.Floor(p[0]/fineDeg)) - int(x)*blockSide
	sy := int(math.Floor(p[1]/fineDeg)) - int(y)*blockSide
	sx, sy = min(max(sx, 0), blockSide-1), min(max(sy, 0), blockSide-1)
	return int(y - gridY0), int(x - gridX0), sy*blockSide + sx, true
}
