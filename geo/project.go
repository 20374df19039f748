package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// earthRadiusM is the mean radius of the Earth (IUGG R1) in metres, used for
// every geodesic distance in this package.
const earthRadiusM = 6371008.8

const degToRad = math.Pi / 180

// haversine returns the great-circle distance in metres between two lon/lat
// points on a sphere of radius earthRadiusM.
func haversine(a, b orb.Point) float64 {
	lat1 := a[1] * degToRad
	lat2 := b[1] * degToRad
	sdLat := math.Sin((lat2 - lat1) / 2)
	sdLon := math.Sin((b[0] - a[0]) * degToRad / 2)
	h := sdLat*sdLat + math.Cos(lat1)*math.Cos(lat2)*sdLon*sdLon
	return 2 * earthRadiusM * math.Atan2(math.Sqrt(h), math.Sqrt(1-h))
}

// aeqd is a spherical azimuthal equidistant projection: distances and
// bearings from its centre are exact, and the scale error at a distance d
// from the centre is about (d/R)²/6 across the radial direction (0.04% at
// 300 km), so it serves as a local metric plane for the peninsula.
type aeqd struct {
	lon0, lat0       float64 // degrees
	sinLat0, cosLat0 float64
}

func newAEQD(lon0, lat0 float64) aeqd {
	s, c := math.Sincos(lat0 * degToRad)
	return aeqd{lon0: lon0, lat0: lat0, sinLat0: s, cosLat0: c}
}

// forward projects lon/lat degrees to x (east) and y (north) in metres.
func (p aeqd) forward(lon, lat float64) (x, y float64) {
	sinLat, cosLat := math.Sincos(lat * degToRad)
	sinDLon, cosDLon := math.Sincos((lon - p.lon0) * degToRad)
	ux := cosLat * sinDLon
	uy := p.cosLat0*sinLat - p.sinLat0*cosLat*cosDLon
	cosC := p.sinLat0*sinLat + p.cosLat0*cosLat*cosDLon
	sinC := math.Hypot(ux, uy)
	k := 1.0
	if sinC > 1e-12 {
		k = math.Atan2(sinC, cosC) / sinC
	}
	return earthRadiusM * k * ux, earthRadiusM * k * uy
}

// inverse returns the lon/lat degrees of the projected point x, y (metres).
func (p aeqd) inverse(x, y float64) (lon, lat float64) {
	rho := math.Hypot(x, y)
	if rho < 1e-9 {
		return p.lon0, p.lat0
	}
	sinC, cosC := math.Sincos(rho / earthRadiusM)
	lat = math.Asin(cosC*p.sinLat0+y*sinC*p.cosLat0/rho) / degToRad
	lon = p.lon0 + math.Atan2(x*sinC, rho*p.cosLat0*cosC-y*p.sinLat0*sinC)/degToRad
	return lon, lat
}
