package data

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// KMLWriter writes stored incident Features as KML 2.2 Placemarks, for
// Google Earth and GIS tools. Text is escaped, never taken as HTML: KML
// clients render a <description> as HTML, so its text is HTML-escaped and
// then XML-escaped (no CDATA), and a title holding <script> shows as those
// characters.
type KMLWriter struct {
	w *bufio.Writer
}

// NewKMLWriter writes the document's head, with its name and attribution.
func NewKMLWriter(w io.Writer, name, description string) (*KMLWriter, error) {
	kw := &KMLWriter{w: bufio.NewWriter(w)}
	kw.w.WriteString(xml.Header)
	kw.w.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n<Document>\n")
	kw.elem("name", name)
	kw.elem("description", description)
	_, err := kw.w.WriteString("<Schema name=\"incident\" id=\"incident\">" + kmlSchemaFields + "</Schema>\n")
	return kw, err
}

var kmlFields = []string{"id", "type", "date", "date_precision", "direction", "place", "persons", "killed", "wounded", "confidence", "note", "sources", "distance_to_mdl_m", "side", "mdl_km", "sector", "in_dmz", "location_precision_m", "title_ko", "place_ko", "summary_ko", "disputes", "distinct_from"}

var kmlSchemaFields = func() string {
	var b strings.Builder
	for _, f := range kmlFields {
		fmt.Fprintf(&b, `<SimpleField type="string" name="%s"/>`, f)
	}
	return b.String()
}()

func (kw *KMLWriter) elem(name, text string) {
	kw.w.WriteString("<" + name + ">")
	xml.EscapeText(kw.w, []byte(text))
	kw.w.WriteString("</" + name + ">\n")
}

// WriteFeature writes one stored Feature as a Placemark.
func (kw *KMLWriter) WriteFeature(feature []byte) error {
	f, in, err := decodeStored(feature)
	if err != nil {
		return err
	}
	pr := f.Properties
	kw.w.WriteString("<Placemark id=\"")
	xml.EscapeText(kw.w, []byte(in.ID))
	kw.w.WriteString("\">\n")
	kw.elem("name", in.Title)
	var desc strings.Builder
	desc.WriteString(in.Summary)
	if in.TitleKo != "" || in.SummaryKo != "" {
		desc.WriteString("\n\n" + strings.TrimSpace(in.TitleKo+"\n"+in.SummaryKo))
	}
	if in.Note != "" {
		desc.WriteString("\n\nNote: " + in.Note)
	}
	if d := disputesText(in); d != "" {
		desc.WriteString("\n\nSources disagree:" + d)
	}
	desc.WriteString("\n\nSources:")
	for _, s := range in.Sources {
		fmt.Fprintf(&desc, "\n- %s, %s", s.Title, s.Publisher)
		if s.Published != "" {
			desc.WriteString(", " + s.Published)
		}
		desc.WriteString(": " + s.URL)
	}
	kw.elem("description", html.EscapeString(desc.String()))
	kw.w.WriteString("<TimeStamp>")
	kw.elem("when", in.Date.String())
	kw.w.WriteString("</TimeStamp>\n<ExtendedData><SchemaData schemaUrl=\"#incident\">\n")
	num := func(p *int) string {
		if p == nil {
			return "unknown"
		}
		return strconv.Itoa(*p)
	}
	fl := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	var sources []string
	for _, s := range in.Sources {
		sources = append(sources, s.URL)
	}
	inDMZ := ""
	if pr.InDMZ != nil {
		inDMZ = strconv.FormatBool(*pr.InDMZ)
	}
	values := []string{in.ID, string(in.Type), in.Date.String(), string(in.Date.Precision()), string(in.Direction), in.Place, in.Persons,
		num(in.Casualties.Killed), num(in.Casualties.Wounded), string(in.Confidence), in.Note, strings.Join(sources, " | "),
		fl(pr.DistanceToMDLM), pr.Side, fl(pr.MDLKm), pr.Sector, inDMZ, strconv.FormatFloat(in.LocationPrecisionM, 'f', -1, 64),
		in.TitleKo, in.PlaceKo, in.SummaryKo, disputesCSV(in.Disputes), strings.Join(in.DistinctFrom, " | ")}
	for i, name := range kmlFields {
		fmt.Fprintf(kw.w, `<SimpleData name="%s">`, name)
		xml.EscapeText(kw.w, []byte(values[i]))
		kw.w.WriteString("</SimpleData>\n")
	}
	kw.w.WriteString("</SchemaData></ExtendedData>\n")
	point := fmt.Sprintf("<Point><coordinates>%s,%s</coordinates></Point>",
		strconv.FormatFloat(in.Location[0], 'f', -1, 64), strconv.FormatFloat(in.Location[1], 'f', -1, 64))
	if len(in.Path) >= 2 {
		var c strings.Builder
		for i, p := range in.Path {
			if i > 0 {
				c.WriteByte(' ')
			}
			c.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64))
		}
		point = "<MultiGeometry>" + point + "<LineString><tessellate>1</tessellate><coordinates>" + c.String() + "</coordinates></LineString></MultiGeometry>"
	}
	kw.w.WriteString(point)
	_, err = kw.w.WriteString("\n</Placemark>\n")
	return err
}

// disputesText lists the disputes of in, one line each: the field, then
// each claim with the publisher of its source.
func disputesText(in *Incident) string {
	var b strings.Builder
	for _, d := range in.Disputes {
		fmt.Fprintf(&b, "\n- %s:", d.Field)
		for i, c := range d.Claims {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s", c.Value)
			if c.Source >= 0 && c.Source < len(in.Sources) {
				fmt.Fprintf(&b, " (%s)", in.Sources[c.Source].Publisher)
			}
		}
		if d.Note != "" {
			b.WriteString(". " + d.Note)
		}
	}
	return b.String()
}

// Close ends the document and flushes it.
func (kw *KMLWriter) Close() error {
	kw.w.WriteString("</Document>\n</kml>\n")
	return kw.w.Flush()
}
