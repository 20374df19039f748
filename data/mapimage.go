package data

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"sync"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The limits of a map image's size, in pixels.
const (
	MinMapSize = 64
	MaxMapSize = 4000
)

// MapPoint is one incident drawn on a map image.
type MapPoint struct {
	Location  orb.Point
	Type      Type
	Highlight bool    // ringed, and drawn last
	RadiusM   float64 // with Highlight, the precision circle drawn around it
}

// MapImage is a static map: the basemap's land, the DMZ band, the MDL and
// incidents, with the attribution written in the image. It is what a page
// shows without JavaScript and what a shared link previews.
type MapImage struct {
	Width, Height int
	// View is the lon/lat box to show; it grows to the image's aspect.
	View orb.Bound
	// Land is drawn first (see ParseLand).
	Land        []orb.Polygon
	MDL         *geo.MDL
	Points      []MapPoint
	Attribution string
	Caption     string // written at the top left, if any
}

// typeColours are the page's colours of the incident types (the Okabe–Ito
// palette of assets/static/symbols.js).
var typeColours = map[Type]color.RGBA{
	TypeCrossing: {0x00, 0x72, 0xB2, 0xff}, TypeIncursion: {0xD5, 0x5E, 0x00, 0xff},
	TypeInfiltration: {0xCC, 0x79, 0xA7, 0xff}, TypeShooting: {0xE6, 0x9F, 0x00, 0xff},
	TypeTunnel: {0x8C, 0x51, 0x0A, 0xff}, TypeLandmine: {0xF0, 0xE4, 0x42, 0xff},
	TypeAbduction: {0x00, 0x9E, 0x73, 0xff}, TypeOther: {0x7A, 0x7A, 0x7A, 0xff},
}

var (
	sea       = color.RGBA{0xd6, 0xe6, 0xf0, 0xff}
	land      = color.RGBA{0xf4, 0xf1, 0xea, 0xff}
	landEdge  = color.RGBA{0x9a, 0x94, 0x88, 0xff}
	dmzFill   = color.NRGBA{0xc6, 0x3c, 0x3c, 0x40}
	mdlColour = color.RGBA{0xb0, 0x1c, 0x1c, 0xff}
	outline   = color.RGBA{0x20, 0x20, 0x20, 0xff}
	white     = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

var loadFace = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(goregular.TTF) })

// mercator projects lon/lat into the image's pixels.
type mercator struct {
	x0, y0, scale float64
}

func mercY(lat float64) float64 {
	r := lat * math.Pi / 180
	return math.Log(math.Tan(math.Pi/4 + r/2))
}

func newMercator(view orb.Bound, w, h int) mercator {
	x0, x1 := view.Min[0]*math.Pi/180, view.Max[0]*math.Pi/180
	y0, y1 := mercY(view.Max[1]), mercY(view.Min[1])
	sx, sy := float64(w)/(x1-x0), float64(h)/(y0-y1)
	s := math.Min(sx, sy)
	// Centre the box: the other axis gets more than was asked.
	cx, cy := (x0+x1)/2, (y0+y1)/2
	return mercator{x0: cx - float64(w)/2/s, y0: cy + float64(h)/2/s, scale: s}
}

func (m mercator) px(p orb.Point) (float32, float32) {
	x := (p[0]*math.Pi/180 - m.x0) * m.scale
	y := (m.y0 - mercY(p[1])) * m.scale
	return float32(x), float32(y)
}

// metresPerPixel at latitude lat.
func (m mercator) metresPerPixel(lat float64) float64 {
	return 6378137 * math.Cos(lat*math.Pi/180) / m.scale
}

// canvas draws filled paths onto an image with anti-aliasing.
type canvas struct {
	img *image.RGBA
	r   *vector.Rasterizer
	m   mercator
}

func (c *canvas) fill(col color.Color) {
	c.r.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
	c.r.Reset(c.img.Bounds().Dx(), c.img.Bounds().Dy())
}

func (c *canvas) ring(r orb.Ring) {
	if len(r) < 3 {
		return
	}
	x, y := c.m.px(r[0])
	c.r.MoveTo(x, y)
	for _, p := range r[1:] {
		x, y := c.m.px(p)
		c.r.LineTo(x, y)
	}
	c.r.ClosePath()
}

// stroke adds a line of width w pixels along ls: a quad a segment and a
// square at each vertex, which is round enough at these widths.
func (c *canvas) stroke(ls orb.LineString, w float32) {
	h := w / 2
	for i := 1; i < len(ls); i++ {
		ax, ay := c.m.px(ls[i-1])
		bx, by := c.m.px(ls[i])
		dx, dy := bx-ax, by-ay
		n := float32(math.Hypot(float64(dx), float64(dy)))
		if n == 0 {
			continue
		}
		nx, ny := -dy/n*h, dx/n*h
		c.r.MoveTo(ax+nx, ay+ny)
		c.r.LineTo(bx+nx, by+ny)
		c.r.LineTo(bx-nx, by-ny)
		c.r.LineTo(ax-nx, ay-ny)
		c.r.ClosePath()
	}
}

// circle adds a circle of radius r pixels at (x, y).
func (c *canvas) circle(x, y, r float32) {
	const n = 24
	c.r.MoveTo(x+r, y)
	for i := 1; i < n; i++ {
		a := 2 * math.Pi * float64(i) / n
		c.r.LineTo(x+r*float32(math.Cos(a)), y+r*float32(math.Sin(a)))
	}
	c.r.ClosePath()
}

// ParseLand reads the Polygons and MultiPolygons of a GeoJSON
// FeatureCollection, such as the page's basemap, for MapImage.Land.
func ParseLand(b []byte) ([]orb.Polygon, error) {
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("the basemap: %w", err)
	}
	var out []orb.Polygon
	for _, f := range fc.Features {
		switch f.Geometry.Type {
		case "Polygon":
			var p orb.Polygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, err
			}
			out = append(out, p)
		case "MultiPolygon":
			var mp orb.MultiPolygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				return nil, err
			}
			out = append(out, mp...)
		}
	}
	return out, nil
}

// Encode draws the map and writes it as PNG.
func (mi MapImage) Encode(w io.Writer) error {
	img, err := mi.Draw()
	if err != nil {
		return err
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}

// Draw draws the map.
func (mi MapImage) Draw() (*image.RGBA, error) {
	if mi.Width < MinMapSize || mi.Height < MinMapSize || mi.Width > MaxMapSize || mi.Height > MaxMapSize {
		return nil, fmt.Errorf("a map image is %d to %d pixels a side, not %d×%d", MinMapSize, MaxMapSize, mi.Width, mi.Height)
	}
	img := image.NewRGBA(image.Rect(0, 0, mi.Width, mi.Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(sea), image.Point{}, draw.Src)
	c := &canvas{img: img, r: vector.NewRasterizer(mi.Width, mi.Height), m: newMercator(mi.View, mi.Width, mi.Height)}

	if polys := mi.Land; len(polys) > 0 {
		for _, p := range polys {
			for _, r := range p { // holes run the other way: the rasterizer's winding rule cuts them
				c.ring(r)
			}
		}
		c.fill(land)
		for _, p := range polys {
			for _, r := range p {
				c.stroke(orb.LineString(r), 0.8)
			}
		}
		c.fill(landEdge)
	}
	if mi.MDL != nil {
		band, _, _ := mi.MDL.DMZ()
		for _, r := range band {
			c.ring(r)
		}
		c.fill(dmzFill)
		c.stroke(mi.MDL.Line(), 2.2)
		c.fill(mdlColour)
	}

	size := float32(math.Max(4, math.Min(9, float64(min(mi.Width, mi.Height))/90)))
	draws := func(highlight bool) {
		for _, p := range mi.Points {
			if p.Highlight != highlight {
				continue
			}
			x, y := c.m.px(p.Location)
			if highlight && p.RadiusM > 0 {
				r := float32(p.RadiusM / c.m.metresPerPixel(p.Location[1]))
				if r > size*1.5 {
					c.circle(x, y, r)
					c.fill(color.NRGBA{0x00, 0x72, 0xB2, 0x30})
				}
			}
			if highlight {
				c.circle(x, y, size*2.2)
				c.fill(outline)
				c.circle(x, y, size*1.8)
				c.fill(white)
			}
			c.circle(x, y, size+1.2)
			c.fill(outline)
			col, ok := typeColours[p.Type]
			if !ok {
				col = typeColours[TypeOther]
			}
			c.circle(x, y, size)
			c.fill(col)
		}
	}
	draws(false)
	draws(true)

	f, err := loadFace()
	if err != nil {
		return nil, err
	}
	pt := math.Max(10, math.Min(16, float64(mi.Width)/60))
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	label := func(text string, right bool, y int) {
		d := &font.Drawer{Dst: img, Src: image.NewUniform(outline), Face: face}
		wpx := d.MeasureString(text).Ceil()
		x := 6
		if right {
			x = mi.Width - wpx - 6
		}
		h := face.Metrics().Height.Ceil()
		box := image.Rect(x-4, y-face.Metrics().Ascent.Ceil()-3, x+wpx+4, y-face.Metrics().Ascent.Ceil()+h+1)
		draw.Draw(img, box, image.NewUniform(color.NRGBA{0xff, 0xff, 0xff, 0xd8}), image.Point{}, draw.Over)
		d.Dot = fixed.P(x, y)
		d.DrawString(text)
	}
	if mi.Attribution != "" {
		label(mi.Attribution, true, mi.Height-6-face.Metrics().Descent.Ceil())
	}
	if mi.Caption != "" {
		label(mi.Caption, false, 6+face.Metrics().Ascent.Ceil())
	}
	return img, nil
}
