package data

import (
	"math"
	"sort"
)

// Cluster is the incidents of one grid cell, for drawing a map at a zoom
// where single markers would be too many.
type Cluster struct {
	Lon, Lat float64      // the mean of the members' points
	Count    int          // how many incidents
	ByType   map[Type]int // how many of each type
	ID       string       // the incident's id when Count is 1
}

// MaxClusterCells bounds the cells one Clusters call may make.
const MaxClusterCells = 100000

// Clusters groups the incidents that f selects into square cells of
// cellDeg degrees, in the order of their cells (west to east, then south
// to north). f's offset and limit are ignored; Result.Matched counts the
// incidents, Result.Returned the clusters.
func (s *Store) Clusters(f Filter, cellDeg float64) ([]Cluster, Result, error) {
	type acc struct {
		x, y     int64
		sumLon   float64
		sumLat   float64
		count    int
		byType   [8]int
		id       string
		firstKey string
	}
	cells := map[[2]int64]*acc{}
	var res Result
	var err error
	add := func(e entry) error {
		k := [2]int64{int64(math.Floor(e.p[0] / cellDeg)), int64(math.Floor(e.p[1] / cellDeg))}
		a := cells[k]
		if a == nil {
			if len(cells) == MaxClusterCells {
				return &Error{Kind: KindInvalid, Message: "too many cells: choose a larger cell or a smaller area"}
			}
			a = &acc{x: k[0], y: k[1], id: e.key[4:]}
			cells[k] = a
		}
		a.sumLon += e.p[0]
		a.sumLat += e.p[1]
		a.count++
		a.byType[e.typ&7]++
		res.Matched++
		return nil
	}
	if ff := newFeatureFilter(&f); ff != nil {
		var candidates []entry
		s.index.each(&f, func(e entry) bool { candidates = append(candidates, e); return true })
		err = s.textFilter(candidates, ff, add)
	} else {
		s.index.each(&f, func(e entry) bool { err = add(e); return err == nil })
	}
	if err != nil {
		return nil, res, err
	}
	list := make([]*acc, 0, len(cells))
	for _, a := range cells {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].x != list[j].x {
			return list[i].x < list[j].x
		}
		return list[i].y < list[j].y
	})
	out := make([]Cluster, len(list))
	for i, a := range list {
		c := Cluster{Lon: round(a.sumLon/float64(a.count), 6), Lat: round(a.sumLat/float64(a.count), 6), Count: a.count, ByType: map[Type]int{}}
		for t, n := range a.byType {
			if n > 0 {
				c.ByType[Types[t]] = n
			}
		}
		if a.count == 1 {
			c.ID = a.id
		}
		out[i] = c
	}
	res.Returned = len(out)
	return out, res, nil
}
