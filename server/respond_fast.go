package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// A collection of at most a page of features is built straight in the
// response's body: the body's buffer is taken out of the response
// (SwapBody), the store appends each Feature to it inside its read
// transaction (data.Store.AppendQuery: one copy, from the database's pages
// into the body), and the buffer is put back.

// bodyBuffer is an io.Writer that appends to a response body taken out of
// the response; done puts it back.
type bodyBuffer struct{ b []byte }

func (w *bodyBuffer) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *bodyBuffer) done(c *fiber.Ctx) { c.Response().SwapBody(w.b) }

// finishGeoJSON puts the body back and answers with it as GeoJSON, or
// empties it when err stopped it (the problem err becomes is written in
// its place) and returns err.
func (w *bodyBuffer) finishGeoJSON(c *fiber.Ctx, err error) error {
	w.done(c)
	if err != nil {
		c.Response().ResetBody()
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return nil
}

// newBodyCollection returns a collection written in c's response body, and
// the buffer to put back with done once it is written.
func newBodyCollection(c *fiber.Ctx) (*data.CollectionWriter, *bodyBuffer) {
	bb := &bodyBuffer{b: c.Response().SwapBody(nil)}
	return data.NewCollectionWriter(bb), bb
}

// appendQuerier is what of data.Store and data.Replica builds an answer in
// memory.
type appendQuerier interface {
	AppendQuery(dst []byte, f data.Filter, w data.FeatureWriter) ([]byte, data.Result, error)
}

// Kinds of data.FeatureWriter: the ways the server writes Features that
// the store may keep written.
const (
	kindStored uint8 = iota // as stored
	kindGIS                 // data.WithGISFields: OGC items
)

// queryInto adds the features f selects in st to fc, each as transform
// writes it (nil: as stored; kind says which way it is, for the store's
// cache): through AppendQuery into bb, the buffer fc writes to, when st
// has it; else (or with no bb) through Query.
func queryInto(fc *data.CollectionWriter, bb *bodyBuffer, st Store, f data.Filter, kind uint8, transform func(dst, feature []byte) ([]byte, error)) (data.Result, error) {
	aq, appends := st.(appendQuerier)
	if bb == nil || !appends || fc.Err() != nil {
		visit := fc.Add
		if transform != nil {
			var buf []byte
			visit = func(b []byte) error {
				var err error
				if buf, err = transform(buf[:0], b); err != nil {
					return err
				}
				return fc.Add(buf)
			}
		}
		return st.Query(f, visit)
	}
	var res data.Result
	var err error
	bb.b, res, err = aq.AppendQuery(bb.b, f, data.FeatureWriter{Sep: comma, Write: transform, Kind: kind})
	fc.Appended(res.Returned)
	return res, err
}

var comma = []byte{','}
