package geo_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// exampleMDL builds the MDL from testdata/mdl.geojson; the data package
// hands NewMDL the line it embeds in the same way.
func exampleMDL() *geo.MDL {
	b, err := os.ReadFile("testdata/mdl.geojson")
	if err != nil {
		panic(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates orb.LineString `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		panic(err)
	}
	m, err := geo.NewMDL(fc.Features[0].Geometry.Coordinates)
	if err != nil {
		panic(err)
	}
	return m
}

func ExampleNewMDL() {
	m := exampleMDL()
	fmt.Printf("%d vertices, %.1f km\n", len(m.Line()), m.LengthKm())
	// Output: 522 vertices, 237.5 km
}

func ExampleMDL_Place() {
	m := exampleMDL()
	seoul := orb.Point{126.9779, 37.5663} // City Hall
	pl := m.Place(seoul)
	fmt.Printf("%s, %.1f km from the MDL at km %.1f, sector %s, in the DMZ: %v\n",
		pl.Side, pl.DistanceM/1000, pl.ChainageKm, pl.Sector, pl.InDMZ)
	// Output: south, 39.6 km from the MDL at km 1.3, sector western, in the DMZ: false
}

func ExampleMDL_Side() {
	m := exampleMDL()
	for _, p := range []struct {
		name string
		p    orb.Point
	}{
		{"Kaesong", orb.Point{126.5544, 37.9705}},
		{"Seoul", orb.Point{126.9779, 37.5663}},
		{"Pyongyang", orb.Point{125.7625, 39.0392}},
		{"Incheon (beyond the western end)", orb.Point{126.6403, 37.4781}},
		{"Sokcho (beyond the eastern end)", orb.Point{128.5912, 38.2087}},
	} {
		fmt.Printf("%s: %s\n", p.name, m.Side(p.p))
	}
	// Output:
	// Kaesong: north
	// Seoul: south
	// Pyongyang: north
	// Incheon (beyond the western end): south
	// Sokcho (beyond the eastern end): south
}

func ExampleMDL_SectorOf() {
	m := exampleMDL()
	fmt.Println(m.SectorOf(geo.JSAPoint))
	fmt.Println(m.SectorOf(orb.Point{127.3133, 38.1467})) // Cheorwon
	fmt.Println(m.SectorOf(orb.Point{128.4678, 38.3806})) // Goseong
	// Output:
	// jsa
	// central
	// eastern
}

func ExampleMDL_Crossings() {
	m := exampleMDL()
	path := orb.LineString{{126.55, 37.97}, {126.70, 37.95}, {126.80, 37.90}} // Kaesong eastward
	for _, c := range m.Crossings(path) {
		fmt.Printf("%s at km %.2f (%.4f, %.4f)\n", c.Direction, c.ChainageKm, c.Point[1], c.Point[0])
	}
	fmt.Println(m.PathDirection(path))
	// Output:
	// north_to_south at km 15.33 (37.9540, 126.6701)
	// north_to_south
}

func ExampleMDL_EstimatedCrossing() {
	m := exampleMDL()
	c := m.EstimatedCrossing(orb.Point{127.3133, 38.1467})
	fmt.Printf("estimated %v, km %.1f, direction %s\n", c.Estimated, c.ChainageKm, c.Direction)
	// Output: estimated true, km 104.3, direction none
}

func ExampleMDL_DMZ() {
	m := exampleMDL()
	band, north, south := m.DMZ()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, line := range []orb.LineString{north, south} {
		for _, p := range line {
			_, d, _ := m.Nearest(p)
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
	}
	fmt.Printf("limit lines %.1f–%.1f km from the MDL\n", lo/1000, hi/1000)
	fmt.Println("closed:", band[0].Closed(), "counter-clockwise:", band[0].Orientation() == orb.CCW, "holes:", len(band)-1)
	fmt.Println(m.Side(north[len(north)/2]), m.Side(south[len(south)/2]))
	// Output:
	// limit lines 2.0–2.0 km from the MDL
	// closed: true counter-clockwise: true holes: 0
	// north south
}
