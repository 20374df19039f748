package geo

import "github.com/paulmach/orb"

// Sector is a stretch of the MDL.
type Sector string

// The sectors: three stretches of the line by chainage, and the Joint
// Security Area at Panmunjom.
const (
	Western Sector = "western"
	Central Sector = "central"
	Eastern Sector = "eastern"
	JSA     Sector = "jsa"
)

// Sectors lists the sectors from west to east, the JSA last. The store
// keeps a sector as its place in this list: add new ones at the end.
var Sectors = []Sector{Western, Central, Eastern, JSA}

// JSAPoint is the Joint Security Area at Panmunjom (37.9561 N, 126.6772 E).
var JSAPoint = orb.Point{126.6772, 37.9561}

// JSARadiusM is the radius around JSAPoint of sector JSA, in metres.
const JSARadiusM = 1000.0

// The cut points between sectors, in km of chainage from the western end of
// the MDL. They are where the line of data/mdl.geojson (237.46 km) crosses
// longitude 127.0 E (at 69.83 km) and 127.9 E (at 170.83 km), each crossed
// once, as found by TestSectorCuts, rounded to 0.1 km. The western sector
// runs from the Han estuary past Panmunjom and Kaesong, the central across
// the Cheorwon plain, the eastern through the Taebaek mountains to the sea.
const (
	WesternCentralKm = 69.8
	CentralEasternKm = 170.8
)

func sectorOf(p orb.Point, chainageKm float64) Sector {
	switch {
	case haversine(p, JSAPoint) <= JSARadiusM:
		return JSA
	case chainageKm < WesternCentralKm:
		return Western
	case chainageKm < CentralEasternKm:
		return Central
	default:
		return Eastern
	}
}
