package server

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Attribution credits the data in every collection the API serves
// (data.CollectionAttribution).
const Attribution = data.CollectionAttribution

var (
	collectionHead = []byte(`{"type":"FeatureCollection","features":[`)
	attributionKey = []byte(`,"attribution":` + strconv.Quote(Attribution) + `}`)
)

// collection writes a GeoJSON FeatureCollection of stored Feature bytes to
// w, with the counts after the features, since they are known at the end.
type collection struct {
	w       io.Writer
	n       int
	err     error
	dataset []byte // the member ,"dataset":{…}, or nothing
}

func newCollection(w io.Writer) *collection {
	c := &collection{w: w}
	_, c.err = w.Write(collectionHead)
	return c
}

// datasetOf returns the version of the dataset st holds; zero if unknown.
func datasetOf(st Store) data.Dataset {
	v, err := st.Version()
	if err != nil {
		return data.Dataset{}
	}
	return v.Dataset
}

// withDataset makes the collection say, in its member "dataset", which
// version of the dataset it serves.
func (c *collection) withDataset(d data.Dataset) *collection {
	if !d.IsZero() {
		b, _ := json.Marshal(d)
		c.dataset = append([]byte(`,"dataset":`), b...)
	}
	return c
}

// add writes one feature; its error stops a store scan.
func (c *collection) add(feature []byte) error {
	if c.err != nil {
		return c.err
	}
	if c.n > 0 {
		_, c.err = c.w.Write([]byte{','})
	}
	if c.err == nil {
		_, c.err = c.w.Write(feature)
	}
	c.n++
	return c.err
}

// end closes the collection with the counts of res.
func (c *collection) end(res data.Result) error {
	if c.err != nil {
		return c.err
	}
	b := make([]byte, 0, 80)
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(res.Matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(res.Returned), 10)
	b = append(b, c.dataset...)
	b = append(b, attributionKey...)
	_, c.err = c.w.Write(b)
	return c.err
}

// sendCollection answers with the FeatureCollection that run writes,
// built in the response body so that an error can still become a problem.
func sendCollection(c *fiber.Ctx, d data.Dataset, run func(visit func([]byte) error) (data.Result, error)) error {
	fc := newCollection(c).withDataset(d)
	res, err := run(fc.add)
	if err == nil {
		err = fc.end(res)
	}
	if err != nil {
		c.Response().ResetBody()
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return nil
}

// GET /api/incidents
func (s *Server) handleIncidents(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/incidents", true, s.cfg.MaxLimit)
	if err != nil {
		return err
	}
	fc, body := newBodyCollection(c)
	fc.withDataset(datasetOf(s.store))
	res, err := fc.query(s.store, q.filter, kindStored, nil)
	if err == nil {
		err = fc.end(res)
	}
	body.done(c)
	if err != nil {
		c.Response().ResetBody()
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return nil
}

// GET /api/incidents/{id}
func (s *Server) handleIncidentGet(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	notFound := data.NotFound("id", "no incident has the id "+quote(id))
	if !data.ValidID(id) {
		return data.NotFound("id", "no incident has the id "+quote(id)+": "+data.IDRule)
	}
	b, err := s.store.Feature(id)
	if data.ErrorKind(err) == data.KindNotFound {
		return notFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	c.Set(fiber.HeaderETag, data.ETag(b))
	return c.Send(b)
}

// parseQuery parses the request's query for route.
func (s *Server) parseQuery(c *fiber.Ctx, route string, paging bool, maxLimit int) (query, error) {
	return parseQuery(c.Context().QueryArgs(), data.FilterSpec{Route: route, Paging: paging, MaxLimit: maxLimit}, s.now().Year())
}
