package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages renders the HTML of /ogc: every text is escaped by html/template,
// and the pages have no script.
var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// page is what an HTML page of /ogc shows; the fields that are set choose
// its sections.
type page struct {
	Title       string
	Description string
	Attribution string
	Links       []link
	Conformance []string
	Collections []collectionDoc
	Items       *itemsView
	Feature     *featureView
	API         *apiView
}

// sendPage answers with p as HTML.
func sendPage(c *fiber.Ctx, p page) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, "page.html", p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentTypeHTML)
	return c.Send(b.Bytes())
}

// itemsView is a page of features.
type itemsView struct {
	Matched     int
	Returned    int
	First, Last int // the positions of the page's features among the matches, from 1
	TimeStamp   string
	Features    []featureView
}

func newItemsView(features []featureView, matched, returned, offset int, stamp time.Time) *itemsView {
	return &itemsView{Matched: matched, Returned: returned, Features: features,
		First: offset + 1, Last: offset + returned, TimeStamp: stamp.UTC().Format(time.RFC3339)}
}

// newItemView reads the feature b of collection ci for an items page,
// linking to its own page.
func newItemView(ci ogcCollectionInfo, b []byte) (featureView, error) {
	fv, err := newFeatureView(b)
	fv.Href = "/ogc/collections/" + ci.id + "/items/" + fv.ID + "?f=html"
	return fv, err
}

// featureView is a Feature shown as text: its properties in their order,
// and its geometry.
type featureView struct {
	ID           string
	Href         string
	Properties   []field
	GeometryType string
	Positions    int
	Coordinates  string
}

// field is a named value of a JSON object.
type field struct {
	Name  string
	Value value
}

// value is a JSON value shown in HTML: an object as its fields, an array
// of things with text as a list, a URL as a link, anything else (numbers,
// arrays of numbers such as coordinates) as its JSON text.
type value struct {
	Text   string
	Link   bool
	List   []value
	Fields []field
}

func newFeatureView(b []byte) (featureView, error) {
	var f struct {
		ID       json.RawMessage `json:"id"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return featureView{}, fmt.Errorf("a stored feature: %w", err)
	}
	var fv featureView
	if err := json.Unmarshal(f.ID, &fv.ID); err != nil {
		fv.ID = string(f.ID)
	}
	if f.Geometry != nil {
		fv.GeometryType = f.Geometry.Type
		fv.Coordinates = string(f.Geometry.Coordinates)
		fv.Positions = max(1, bytes.Count(f.Geometry.Coordinates, []byte{'['})-1)
	}
	if len(f.Properties) > 0 {
		v, err := newValue(f.Properties)
		if err != nil {
			return featureView{}, fmt.Errorf("a stored feature: %w", err)
		}
		fv.Properties = v.Fields
	}
	return fv, nil
}

// newValue reads a JSON value, keeping the order of object members.
func newValue(raw json.RawMessage) (value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return value{}, nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return value{}, err
		}
		return value{Text: s, Link: strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")}, nil
	case '{', '[':
		if !bytes.ContainsRune(raw, '"') {
			return value{Text: string(raw)}, nil
		}
	default:
		return value{Text: string(raw)}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	open, err := dec.Token()
	if err != nil {
		return value{}, err
	}
	var v value
	for dec.More() {
		var name string
		if open == json.Delim('{') {
			t, err := dec.Token()
			if err != nil {
				return value{}, err
			}
			name, _ = t.(string)
		}
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			return value{}, err
		}
		iv, err := newValue(item)
		if err != nil {
			return value{}, err
		}
		if open == json.Delim('{') {
			v.Fields = append(v.Fields, field{name, iv})
		} else {
			v.List = append(v.List, iv)
		}
	}
	return v, nil
}
