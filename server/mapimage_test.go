package server

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/dmzmap/dmzmap/assets"
)

func decodePNG(t *testing.T, r response) image.Image {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != ContentTypePNG {
		t.Fatalf("%d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
	img, err := png.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func near(a color.Color, b color.RGBA) bool {
	r, g, bl, _ := a.RGBA()
	d := func(x uint32, y uint8) int { v := int(x>>8) - int(y); return v * v }
	return d(r, b.R)+d(g, b.G)+d(bl, b.B) < 3*20*20
}

func TestMapImages(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{Assets: assets.FS}, fixture(loadMDL(t)))
	dir := filepath.Join("..", "testout")
	os.MkdirAll(dir, 0o755)

	t.Run("incident", func(t *testing.T) {
		r := get(t, s, "/api/incidents/2017-11-13-jsa/map.png")
		img := decodePNG(t, r)
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
			t.Errorf("size %v, want 1200×630 (a link preview's)", b)
		}
		os.WriteFile(filepath.Join(dir, "map-incident.png"), r.body, 0o644)
		// The incident is at the centre, ringed, in the crossing colour.
		if c := img.At(600, 315); !near(c, color.RGBA{0x00, 0x72, 0xB2, 0xff}) {
			t.Errorf("the centre is %v, want the crossing colour", c)
		}
		// The attribution is written in the bottom right corner.
		dark := 0
		for x := 900; x < 1195; x++ {
			for y := 600; y < 628; y++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r>>8 < 80 {
					dark++
				}
			}
		}
		if dark < 100 {
			t.Errorf("%d dark pixels where the attribution is written, want text", dark)
		}
		if etag := r.header.Get("ETag"); etag == "" {
			t.Error("no ETag")
		}
	})
	t.Run("filtered", func(t *testing.T) {
		r := get(t, s, "/api/map.png?type=crossing&width=800&height=500")
		img := decodePNG(t, r)
		if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 500 {
			t.Errorf("size %v", b)
		}
		os.WriteFile(filepath.Join(dir, "map-filtered.png"), r.body, 0o644)
		// Land and sea both drawn: the corner (the Yellow Sea) is sea,
		// the middle of the view is land or the DMZ.
		if c := img.At(2, 250); !near(c, color.RGBA{0xd6, 0xe6, 0xf0, 0xff}) {
			t.Errorf("the west edge is %v, want the sea", c)
		}
	})
	for _, tc := range []struct{ url, param string }{
		{"/api/map.png?width=0", "width"},
		{"/api/map.png?height=-5", "height"},
		{"/api/map.png?width=4001", "width"},
		{"/api/map.png?type=bogus", "type"},
		{"/api/incidents/2017-11-13-jsa/map.png?zoom=3", "zoom"},
		{"/api/incidents/no-such-one/map.png", "id"},
	} {
		r := get(t, s, tc.url)
		p := decodeProblem(t, r)
		if r.status/100 != 4 || len(p.Errors) == 0 || p.Errors[0].Parameter != tc.param {
			t.Errorf("%s: %d %+v, want a problem naming %s", tc.url, r.status, p, tc.param)
		}
	}
}
