package data

import (
	"bytes"
	"encoding/xml"
	"html"
	"strings"
	"testing"
)

func TestKMLIsWellFormedAndEscapesText(t *testing.T) {
	var buf bytes.Buffer
	kw, err := NewKMLWriter(&buf, "DMZ incidents", "© OpenStreetMap contributors")
	if err != nil {
		t.Fatal(err)
	}
	ins := fixture()
	ins[0].Summary = `<img src=x onerror=alert(1)> & "quotes"`
	for _, in := range ins {
		pl := mdl(t).Place(in.Location)
		f, _ := EncodeFeature(in, &pl)
		if err := kw.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := kw.Close(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Document struct {
			Description string `xml:"description"`
			Placemarks  []struct {
				ID          string `xml:"id,attr"`
				Name        string `xml:"name"`
				Description string `xml:"description"`
				When        string `xml:"TimeStamp>when"`
				Coordinates string `xml:"Point>coordinates"`
			} `xml:"Placemark"`
		}
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("KML does not parse: %v", err)
	}
	if got := len(doc.Document.Placemarks); got != len(ins) {
		t.Fatalf("%d placemarks, want %d", got, len(ins))
	}
	p := doc.Document.Placemarks[0]
	// KML clients render a description as HTML: it is the summary
	// HTML-escaped, which shows as the summary's characters.
	if !strings.HasPrefix(html.UnescapeString(p.Description), `<img src=x onerror=alert(1)> & "quotes"`) || strings.Contains(p.Description, "<") {
		t.Errorf("description = %q, want the summary as HTML-escaped text", p.Description)
	}
	if strings.Contains(buf.String(), "<img") {
		t.Errorf("the raw KML holds an unescaped <img tag")
	}
	if p.When != "1962-05-28" || doc.Document.Placemarks[1].When != "1965" {
		t.Errorf("when = %q, %q; want the dates at their precision", p.When, doc.Document.Placemarks[1].When)
	}
	if p.Coordinates != "126.849,38.0336" {
		t.Errorf("coordinates = %q", p.Coordinates)
	}
	if !strings.Contains(doc.Document.Description, "OpenStreetMap") {
		t.Errorf("document lacks its attribution")
	}
}
