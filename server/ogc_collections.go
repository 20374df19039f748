package server

import (
	"fmt"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
)

// ogcCollectionInfo describes one collection.
type ogcCollectionInfo struct {
	id, title, description string
}

var ogcCollections = []ogcCollectionInfo{
	{"incidents", "DMZ incidents",
		"Documented incidents along the Korean DMZ since the armistice of 1953: crossings of the Military Demarcation Line, " +
			"incursions, infiltrations, shootings, tunnels, landmine blasts and abductions, each with the published sources it rests on. " +
			"The geometry is the incident's location; a tracked route is the property path. " + datetimeRule},
	{"crossings", "Crossing points",
		"The points where incidents crossed the Military Demarcation Line: where a tracked route crosses it, or else the point " +
			"of the line nearest the incident's location (estimated: true). The id is the incident's id with -x1, -x2, … appended. " +
			"Each has its incident's date, and datetime selects them by it: " + datetimeRule},
	{"mdl", "Military Demarcation Line",
		"The Military Demarcation Line between the two Koreas as one LineString, west to east, derived from OpenStreetMap data. " +
			"It has no date, type, direction or sector: only bbox, limit and offset select it."},
}

func ogcCollection(id string) (ogcCollectionInfo, bool) {
	for _, ci := range ogcCollections {
		if ci.id == id {
			return ci, true
		}
	}
	return ogcCollectionInfo{}, false
}

// collectionDoc is a collection's description.
type collectionDoc struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Attribution string        `json:"attribution"`
	ItemType    string        `json:"itemType"`
	CRS         []string      `json:"crs"`
	Extent      *ogcExtent    `json:"extent,omitempty"`
	Dataset     *data.Dataset `json:"dataset,omitempty"` // the version of the incidents served
	Links       []link        `json:"links"`
}

// ogcExtent is a collection's extent in space and time.
type ogcExtent struct {
	Spatial  *spatialExtent  `json:"spatial,omitempty"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// collectionDoc describes collection ci; self are its self and alternate
// links, or nil for the links of the collection's own page.
func (o *ogcService) collectionDoc(c *fiber.Ctx, ci ogcCollectionInfo, ext *ogcExtent, self []link) collectionDoc {
	path := "/ogc/collections/" + ci.id
	if self == nil {
		self = []link{
			{Href: href(c, path, ""), Rel: "self", Type: contentTypeJSON, Title: "this collection"},
			{Href: href(c, path, "?f=html"), Rel: "alternate", Type: mediaHTML, Title: "this collection as HTML"},
		}
	}
	attribution := Attribution
	if ci.id == "mdl" {
		attribution = osmAttribution + " (" + osmLicense + ")"
	}
	var ds *data.Dataset
	if d := datasetOf(o.store); ci.id != "mdl" && !d.IsZero() {
		ds = &d
	}
	return collectionDoc{
		ID: ci.id, Title: ci.title, Description: ci.description, Attribution: attribution,
		ItemType: "feature", CRS: []string{crs84}, Extent: ext, Dataset: ds,
		Links: append(self,
			link{Href: href(c, path+"/items", ""), Rel: "items", Type: data.ContentTypeGeoJSON, Title: ci.title + " as GeoJSON"},
			link{Href: href(c, path+"/items", "?f=html"), Rel: "items", Type: mediaHTML, Title: ci.title + " as HTML"},
			link{Href: href(c, path+"/queryables", ""), Rel: relQueryables, Type: contentTypeSchema, Title: "the properties a filter may name"},
		),
	}
}

// GET /ogc/collections
func (o *ogcService) handleCollections(c *fiber.Ctx) error {
	q, err := o.parse(c, "/ogc/collections")
	if err != nil {
		return err
	}
	exts, err := o.extentsNow()
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	doc := struct {
		Links       []link          `json:"links"`
		Collections []collectionDoc `json:"collections"`
	}{Links: selfLinks(c, "/ogc/collections", html, contentTypeJSON)}
	for _, ci := range ogcCollections {
		doc.Collections = append(doc.Collections, o.collectionDoc(c, ci, exts[ci.id], nil))
	}
	if html {
		return sendPage(c, page{Title: "Collections", Links: doc.Links, Collections: doc.Collections})
	}
	return sendJSON(c, contentTypeJSON, doc)
}

// collectionParam returns the collection the path names, or a 404 error.
func collectionParam(c *fiber.Ctx) (ogcCollectionInfo, error) {
	id := c.Params("collectionId")
	ci, ok := ogcCollection(id)
	if !ok {
		names := make([]string, len(ogcCollections))
		for i, ci := range ogcCollections {
			names[i] = ci.id
		}
		return ci, data.NotFound("collectionId",
			fmt.Sprintf("there is no collection %s: the collections are %s", quote(id), strings.Join(names, ", ")))
	}
	return ci, nil
}

// GET /ogc/collections/{collectionId}
func (o *ogcService) handleCollection(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	q, err := o.parse(c, "/ogc/collections/"+ci.id)
	if err != nil {
		return err
	}
	exts, err := o.extentsNow()
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	doc := o.collectionDoc(c, ci, exts[ci.id], selfLinks(c, "/ogc/collections/"+ci.id, html, contentTypeJSON))
	if html {
		return sendPage(c, page{Title: ci.title, Description: ci.description, Attribution: doc.Attribution, Links: doc.Links, Collections: []collectionDoc{doc}})
	}
	return sendJSON(c, contentTypeJSON, doc)
}

// extentsNow returns the extent of each collection, computed from the
// store again only when it has changed.
func (o *ogcService) extentsNow() (map[string]*ogcExtent, error) {
	ver, err := o.store.Version()
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.extents != nil && ver == o.computed {
		return o.extents, nil
	}
	incidents, crossings, err := o.store.Extents()
	if err != nil {
		return nil, err
	}
	exts := map[string]*ogcExtent{"incidents": extentOf(incidents), "crossings": extentOf(crossings)}
	exts["mdl"] = newExtent(o.mdl.Line().Bound(), 0, 0)
	o.extents, o.computed = exts, ver
	return exts, nil
}

// extentOf returns the extent document of x, or nil when it is empty.
func extentOf(x data.Extent) *ogcExtent {
	if x.N == 0 {
		return nil
	}
	return newExtent(x.Bound, x.First, x.Last)
}

// newExtent returns the extent of bound b and the date keys first to last,
// with no temporal extent when first is 0.
func newExtent(b orb.Bound, first, last uint32) *ogcExtent {
	e := ogcExtent{Spatial: &spatialExtent{[][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, crs84}}
	if first != 0 {
		a, z := data.KeyTime(first), data.KeyEndTime(last)
		e.Temporal = &temporalExtent{[][2]*string{{&a, &z}}, trsGregorian}
	}
	return &e
}
