package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Attribution credits the data in every collection the API serves
// (data.CollectionAttribution).
const Attribution = data.CollectionAttribution

// datasetOf returns the version of the dataset st holds; zero if unknown.
func datasetOf(st Store) data.Dataset {
	v, err := st.Version()
	if err != nil {
		return data.Dataset{}
	}
	return v.Dataset
}

// sendCollection answers with the FeatureCollection that run writes,
// built in the response body so that an error can still become a problem.
func sendCollection(c *fiber.Ctx, d data.Dataset, run func(visit func([]byte) error) (data.Result, error)) error {
	fc := data.NewCollectionWriter(c).WithDataset(d)
	res, err := run(fc.Add)
	if err == nil {
		err = fc.End(res)
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
	fc.WithDataset(datasetOf(s.store))
	res, err := queryInto(fc, body, s.store, q.filter, kindStored, nil)
	if err == nil {
		err = fc.End(res)
	}
	return body.finishGeoJSON(c, err)
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
