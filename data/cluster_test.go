package data

import (
	"testing"
)

func TestClusters(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(2000, 3, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	from, to := YearRange(1990, 2000)
	f := Filter{From: from, To: to, Types: []Type{TypeCrossing, TypeShooting}}
	q, _ := s.Query(f, func([]byte) error { return nil })
	for _, cell := range []float64{1, 0.1, 0.001} {
		cs, res, err := s.Clusters(f, cell)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range cs {
			sum += c.Count
			if c.Count == 1 && c.ID == "" || c.Count > 1 && c.ID != "" {
				t.Errorf("cell %g: cluster %+v: an id only for single incidents", cell, c)
			}
			n := 0
			for typ, k := range c.ByType {
				if typ != TypeCrossing && typ != TypeShooting {
					t.Errorf("cluster holds a %s", typ)
				}
				n += k
			}
			if n != c.Count {
				t.Errorf("by_type sums to %d, count %d", n, c.Count)
			}
		}
		if sum != q.Matched || res.Matched != q.Matched || res.Returned != len(cs) {
			t.Errorf("cell %g: clusters hold %d incidents (result %+v), the query matched %d", cell, sum, res, q.Matched)
		}
		if cell == 0.001 && len(cs) < q.Matched/2 {
			t.Errorf("cell 0.001 made %d clusters of %d incidents: want mostly single ones", len(cs), q.Matched)
		}
		if cell == 1 && len(cs) > 10 {
			t.Errorf("cell 1° made %d clusters along a 240 km line", len(cs))
		}
	}
}
