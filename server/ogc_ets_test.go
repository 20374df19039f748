package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/paulmach/orb"
)

// The OGC's conformance suite for Part 1 (ets-ogcapi-features10) is Java
// and not installable here; TestOGCConformanceSuite makes the requests its
// conformance classes make (src/main/java/.../conformance/core/…) and
// asserts what they assert, through the API document as the suite reads it.

const etsOpenAPI = "application/vnd.oai.openapi+json;version=3.0" // OgcApiFeatures10.OPEN_API_MIME_TYPE

type etsClient struct {
	t *testing.T
	s *Server
}

// get requests href (absolute, of the test server) with accept and query
// params added, and decodes a JSON answer.
func (c etsClient) get(href, accept string, params url.Values) (int, http.Header, map[string]any) {
	c.t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		c.t.Fatalf("%s: %v", href, err)
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	req := httptest.NewRequest(http.MethodGet, u.RequestURI(), nil)
	req.Header.Set("Accept", accept)
	r := do(c.t, c.s, req)
	var doc map[string]any
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.body, &doc); err != nil {
			c.t.Fatalf("%s: not JSON: %v", u, err)
		}
	}
	return r.status, r.header, doc
}

func etsLinks(doc map[string]any) []map[string]any {
	var out []map[string]any
	ls, _ := doc["links"].([]any)
	for _, l := range ls {
		if m, ok := l.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func etsLink(doc map[string]any, rel string) map[string]any {
	for _, l := range etsLinks(doc) {
		if l["rel"] == rel {
			return l
		}
	}
	return nil
}

// checkSelfAlternate asserts a self link, an alternate link for every other
// media type (of GeoJSON or JSON, and HTML), and rel and type on each.
func checkSelfAlternate(t *testing.T, what string, doc map[string]any, others ...string) {
	t.Helper()
	if etsLink(doc, "self") == nil {
		t.Errorf("%s: no self link", what)
	}
	for _, typ := range others {
		found := false
		for _, l := range etsLinks(doc) {
			found = found || (l["rel"] == "alternate" && l["type"] == typ)
		}
		if !found {
			t.Errorf("%s: no alternate link of type %s", what, typ)
		}
	}
	for _, l := range etsLinks(doc) {
		if r := l["rel"]; (r == "self" || r == "alternate" || r == "collection") && (l["type"] == nil || l["type"] == "") {
			t.Errorf("%s: link %v has no type", what, l)
		}
	}
}

func TestOGCConformanceSuite(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, data.Generate(250, 3, mdl))
	c := etsClient{t, s}
	iut := "http://example.com/ogc"

	// A.2.2 Landing page: 200, links service-desc or service-doc,
	// conformance and data.
	st, hdr, landing := c.get(iut, "application/json", nil)
	if st != http.StatusOK || hdr.Get("Content-Type") != contentTypeJSON {
		t.Fatalf("landing page: %d %s", st, hdr.Get("Content-Type"))
	}
	for _, rel := range []string{"service-desc", "conformance", "data"} {
		if etsLink(landing, rel) == nil {
			t.Errorf("landing page: no %s link", rel)
		}
	}

	// A.2.3 API definition: the service-desc link of the suite's media type,
	// requested with it; its servers give the base the paths hang on.
	desc := etsLink(landing, "service-desc")
	if typ, _ := desc["type"].(string); strings.ReplaceAll(typ, " ", "") != etsOpenAPI {
		t.Fatalf("service-desc type %q, want %s", typ, etsOpenAPI)
	}
	st, hdr, api := c.get(desc["href"].(string), etsOpenAPI, nil)
	if st != http.StatusOK || hdr.Get("Content-Type") != etsOpenAPI {
		t.Fatalf("API definition: %d %s", st, hdr.Get("Content-Type"))
	}
	servers, _ := api["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != iut {
		t.Fatalf("servers %v, want %s", servers, iut)
	}
	paths, _ := api["paths"].(map[string]any)
	comps, _ := api["components"].(map[string]any)
	resolve := func(v any) map[string]any {
		m, _ := v.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			kind, name, _ := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
			m, _ = comps[kind].(map[string]any)[name].(map[string]any)
		}
		return m
	}
	// responseTypes are the media types of a path's 200 response, as the
	// suite reads them for the alternate links it expects.
	responseTypes := func(path string) []string {
		op := resolve(resolve(paths[path])["get"])
		var out []string
		for mt := range resolve(resolve(op["responses"])["200"])["content"].(map[string]any) {
			out = append(out, mt)
		}
		slices.Sort(out)
		return out
	}
	itemsPath := "/collections/{collectionId}/items"
	param := func(name string) map[string]any {
		for _, p := range resolve(resolve(paths[itemsPath])["get"])["parameters"].([]any) {
			if p := resolve(p); p["name"] == name {
				return p
			}
		}
		t.Fatalf("%s has no parameter %s", itemsPath, name)
		return nil
	}
	var collectionIDs []string
	for _, p := range resolve(resolve(paths[itemsPath])["get"])["parameters"].([]any) {
		if p := resolve(p); p["name"] == "collectionId" {
			for _, e := range p["schema"].(map[string]any)["enum"].([]any) {
				collectionIDs = append(collectionIDs, e.(string))
			}
		}
	}
	if !slices.Equal(collectionIDs, []string{"incidents", "crossings", "mdl"}) {
		t.Fatalf("collectionId enum %v", collectionIDs)
	}

	// A.2.7 limit, bbox and datetime definitions (abstract tests 14, 16 and
	// the datetime one).
	for _, name := range []string{"limit", "bbox", "datetime"} {
		p := param(name)
		if p["in"] != "query" || p["required"] == true || p["style"] != "form" || p["explode"] != false {
			t.Errorf("%s: %v", name, p)
		}
	}
	limitSchema := param("limit")["schema"].(map[string]any)
	minLimit, maxLimit := int(limitSchema["minimum"].(float64)), int(limitSchema["maximum"].(float64))
	if limitSchema["type"] != "integer" || minLimit < 0 || limitSchema["default"].(float64) < 0 {
		t.Errorf("limit schema %v", limitSchema)
	}
	bboxSchema := param("bbox")["schema"].(map[string]any)
	if bboxSchema["type"] != "array" || bboxSchema["minItems"] != 4.0 || bboxSchema["maxItems"] != 6.0 ||
		bboxSchema["items"].(map[string]any)["type"] != "number" {
		t.Errorf("bbox schema %v", bboxSchema)
	}
	if param("datetime")["schema"].(map[string]any)["type"] != "string" {
		t.Errorf("datetime schema %v", param("datetime")["schema"])
	}

	// A.2.4 Conformance: core among conformsTo.
	st, _, conf := c.get(iut+"/conformance", "application/json", nil)
	cs, _ := conf["conformsTo"].([]any)
	if st != http.StatusOK || !slices.Contains(cs, any("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core")) {
		t.Fatalf("conformance: %d %v", st, cs)
	}

	// A.2.5 Collections: self, alternate for the other declared types,
	// rel and type, CRS84 first, an items link each.
	st, _, colls := c.get(iut+"/collections", "application/json", nil)
	if st != http.StatusOK {
		t.Fatalf("collections: %d", st)
	}
	checkSelfAlternate(t, "collections", colls, slices.DeleteFunc(responseTypes("/collections"), func(s string) bool { return s == contentTypeJSON })...)
	list, _ := colls["collections"].([]any)
	if len(list) != len(collectionIDs) {
		t.Fatalf("%d collections", len(list))
	}
	for _, cv := range list {
		coll := cv.(map[string]any)
		id := coll["id"].(string)
		if crs, _ := coll["crs"].([]any); len(crs) == 0 || crs[0] != crs84 {
			t.Errorf("%s: crs %v, want CRS84 first", id, crs)
		}
		if etsLink(coll, "items") == nil {
			t.Errorf("%s: no items link", id)
		}

		// A.2.6 Collection: the same id, title, description and extent.
		st, _, one := c.get(iut+"/collections/"+id, "application/json", nil)
		if st != http.StatusOK {
			t.Fatalf("collection %s: %d", id, st)
		}
		for _, k := range []string{"id", "title", "description", "extent"} {
			if a, b := fmt.Sprint(one[k]), fmt.Sprint(coll[k]); a != b {
				t.Errorf("collection %s: %s %s, in /collections %s", id, k, a, b)
			}
		}
		itemsURL := ""
		for _, l := range etsLinks(coll) {
			if l["rel"] == "items" && l["type"] == data.ContentTypeGeoJSON {
				itemsURL = l["href"].(string)
			}
		}
		if itemsURL == "" {
			t.Fatalf("%s: no GeoJSON items link", id)
		}
		t.Run(id, func(t *testing.T) { etsItems(t, c, id, itemsURL, coll, maxLimit, minLimit, responseTypes(itemsPath)) })
	}
}

// etsItems makes the suite's items requests of one collection: plain, with
// limits, bboxes (the extent, the meridian, the equator, the antimeridian,
// both poles) and datetimes from the temporal extent, then one feature.
func etsItems(t *testing.T, c etsClient, id, itemsURL string, coll map[string]any, maxLimit, minLimit int, itemsTypes []string) {
	type request struct {
		name   string
		params url.Values
		bbox   *orb.Bound // the features must lie in it (a box across the antimeridian in two)
		limit  int
	}
	reqs := []request{{name: "plain"}}
	mid := min(minLimit+(maxLimit-minLimit)/2, 100)
	for _, l := range []int{minLimit, mid} {
		reqs = append(reqs, request{name: fmt.Sprint("limit ", l), params: url.Values{"limit": {fmt.Sprint(l)}}, limit: l})
	}
	ext := coll["extent"].(map[string]any)
	eb := ext["spatial"].(map[string]any)["bbox"].([]any)[0].([]any)
	boxes := [][4]float64{{eb[0].(float64), eb[1].(float64), eb[2].(float64), eb[3].(float64)},
		{-1.5, 50, 1.5, 53}, {-80, -5, -70, 5}, {177, 65, -177, 70}, {-180, 85, 180, 90}, {-180, -90, 180, -85}}
	for _, b := range boxes {
		bb := orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
		reqs = append(reqs, request{name: fmt.Sprint("bbox ", b), bbox: &bb,
			params: url.Values{"bbox": {fmt.Sprintf("%.1f,%.1f,%.1f,%.1f", b[0], b[1], b[2], b[3])}}})
	}
	if temporal, ok := ext["temporal"].(map[string]any); ok {
		iv := temporal["interval"].([]any)[0].([]any)
		begin, _ := time.Parse(time.RFC3339, iv[0].(string))
		end, _ := time.Parse(time.RFC3339, iv[1].(string))
		quarter := end.Sub(begin) / 4
		b1, e1 := begin.Add(quarter), begin.Add(2*quarter)
		for _, dt := range []string{begin.UTC().Format(time.RFC3339), b1.UTC().Format(time.RFC3339) + "/" + e1.UTC().Format(time.RFC3339),
			b1.Format(time.DateOnly) + "/P2D"} {
			reqs = append(reqs, request{name: "datetime " + dt, params: url.Values{"datetime": {dt}}})
		}
	}
	var firstID string
	for _, rq := range reqs {
		st, hdr, fc := c.get(itemsURL, data.ContentTypeGeoJSON, rq.params)
		if st != http.StatusOK || hdr.Get("Content-Type") != data.ContentTypeGeoJSON {
			t.Errorf("%s: %d %s", rq.name, st, hdr.Get("Content-Type"))
			continue
		}
		if fc["type"] != "FeatureCollection" {
			t.Errorf("%s: type %v", rq.name, fc["type"])
		}
		features, ok := fc["features"].([]any)
		if !ok {
			t.Errorf("%s: no features array", rq.name)
			continue
		}
		if rq.limit > 0 && len(features) > rq.limit {
			t.Errorf("%s: %d features", rq.name, len(features))
		}
		if n, _ := fc["numberReturned"].(float64); int(n) != len(features) {
			t.Errorf("%s: numberReturned %v, %d features", rq.name, fc["numberReturned"], len(features))
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(fc["timeStamp"])); err != nil {
			t.Errorf("%s: timeStamp %v", rq.name, fc["timeStamp"])
		}
		checkSelfAlternate(t, rq.name, fc, slices.DeleteFunc(slices.Clone(itemsTypes), func(s string) bool { return s == data.ContentTypeGeoJSON })...)
		for _, fv := range features {
			f := fv.(map[string]any)
			geom, _ := f["geometry"].(map[string]any)
			bound, ok := positionsBound(geom["coordinates"])
			if !ok {
				t.Fatalf("%s: %v has no positions", rq.name, f["id"])
			}
			if firstID == "" {
				firstID = fmt.Sprint(f["id"])
			}
			if bound.Min[0] < -180 || bound.Max[0] > 180 || bound.Min[1] < -90 || bound.Max[1] > 90 {
				t.Errorf("%s: %s is not in CRS84: %v", rq.name, f["id"], bound)
			}
			if b := rq.bbox; b != nil {
				in := bound.Intersects(*b)
				if b.Min[0] > b.Max[0] {
					in = bound.Intersects(orb.Bound{Min: b.Min, Max: orb.Point{180, b.Max[1]}}) ||
						bound.Intersects(orb.Bound{Min: orb.Point{-180, b.Min[1]}, Max: b.Max})
				}
				if !in {
					t.Errorf("%s: %s at %v is outside the box", rq.name, f["id"], bound)
				}
			}
		}
		// numberMatched: the features of this page and of the next ones,
		// followed as the suite follows them (limit set to the maximum,
		// every other parameter taken from the link and sent again).
		matched, _ := fc["numberMatched"].(float64)
		total, page := len(features), fc
		for n := 0; n <= 3; n++ {
			next := etsLink(page, "next")
			if next == nil {
				break
			}
			u, _ := url.Parse(next["href"].(string))
			params := url.Values{}
			for _, pair := range strings.Split(u.RawQuery, "&") {
				k, v, _ := strings.Cut(pair, "=")
				if k != "limit" {
					params.Add(k, v) // as the suite does: the value as written in the link, encoded again
				}
			}
			params.Set("limit", fmt.Sprint(maxLimit))
			u.RawQuery = ""
			st, _, page = c.get(u.String(), data.ContentTypeGeoJSON, params)
			if st != http.StatusOK {
				t.Fatalf("%s: the next page %s: %d", rq.name, next["href"], st)
			}
			nf, _ := page["features"].([]any)
			total += len(nf)
		}
		if int(matched) != total {
			t.Errorf("%s: numberMatched %v, %d features on its pages", rq.name, matched, total)
		}
	}

	// A.2.7 error conditions: an invalid limit and an unknown parameter.
	for _, p := range []url.Values{{"limit": {"unlimited"}}, {"unknownQueryParameter": {"1"}}} {
		if st, _, _ := c.get(itemsURL, data.ContentTypeGeoJSON, p); st != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", p, st)
		}
	}

	// A.2.8 Feature: self, alternate, collection, each with rel and type.
	if firstID == "" {
		t.Fatalf("no feature in %s", id)
	}
	st, hdr, f := c.get(strings.TrimSuffix(itemsURL, "?")+"/"+url.PathEscape(firstID), data.ContentTypeGeoJSON, nil)
	if st != http.StatusOK || hdr.Get("Content-Type") != data.ContentTypeGeoJSON {
		t.Fatalf("feature %s: %d %s", firstID, st, hdr.Get("Content-Type"))
	}
	checkSelfAlternate(t, "feature "+firstID, f, mediaHTML)
	if l := etsLink(f, "collection"); l == nil || l["type"] == nil {
		t.Errorf("feature %s: collection link %v", firstID, l)
	}
}

// positionsBound is the bound of the positions of GeoJSON coordinates.
func positionsBound(v any) (orb.Bound, bool) {
	xs, _ := v.([]any)
	if len(xs) >= 2 {
		lon, ok1 := xs[0].(float64)
		lat, ok2 := xs[1].(float64)
		if ok1 && ok2 {
			return orb.Point{lon, lat}.Bound(), true
		}
	}
	var b orb.Bound
	found := false
	for _, x := range xs {
		if xb, ok := positionsBound(x); ok {
			if !found {
				b = xb
			}
			b, found = b.Union(xb), true
		}
	}
	return b, found
}
