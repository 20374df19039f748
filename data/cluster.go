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
//
// Without a text filter it sums the arrays of the index's grid; with one,
// whose words are in the Features, it walks the candidates and reads them.
func (s *Store) Clusters(f Filter, cellDeg float64) ([]Cluster, Result, error) {
	var cells map[[2]int64]*clusterAcc
	var res Result
	var err error
	if ff := newFeatureFilter(&f); ff != nil || f.Since != 0 {
		// The words and the km range are in the Features, and Since asks
		// for the end of the period a partial date names: walk.
		cells = map[[2]int64]*clusterAcc{}
		add := func(e entry) error {
			k := [2]int64{int64(math.Floor(e.p[0] / cellDeg)), int64(math.Floor(e.p[1] / cellDeg))}
			a := cells[k]
			if a == nil {
				if len(cells) == MaxClusterCells {
					return &Error{Kind: KindInvalid, Message: "too many cells: choose a larger cell or a smaller area"}
				}
				a = &clusterAcc{x: k[0], y: k[1], id: e.key[4:]}
				cells[k] = a
			}
			a.sumLon += e.p[0]
			a.sumLat += e.p[1]
			a.count++
			a.byType[e.typ&7]++
			res.Matched++
			return nil
		}
		var candidates []entry
		s.index.each(&f, func(e entry) bool { candidates = append(candidates, e); return true })
		if ff == nil {
			for _, e := range candidates {
				if err = add(e); err != nil {
					break
				}
			}
		} else {
			err = s.textFilter(candidates, ff, add)
		}
	} else {
		m := compile(&f)
		cells, res.Matched, err = s.index.state().grid.clusters(&m, cellDeg)
	}
	if err != nil {
		return nil, res, err
	}
	list := make([]*clusterAcc, 0, len(cells))
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
