package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// items calls visit with each feature of collection id that q selects, in
// date order, within its offset and limit, with the GIS fields (data.WithGISFields).
func (o *ogcService) items(id string, q query, visit func([]byte) error) (data.Result, error) {
	if q.keep != nil {
		var buf []byte
		inner := visit
		visit = func(b []byte) error {
			var err error
			if buf, err = data.KeepProperties(buf[:0], b, q.keep); err != nil {
				return err
			}
			return inner(buf)
		}
	}
	if !natural(q.sortKeys) {
		return o.sortedItems(id, q, q.sortKeys, visit)
	}
	return o.unsortedItems(id, q, visit)
}

// unsortedItems is items in the store's order.
func (o *ogcService) unsortedItems(id string, q query, visit func([]byte) error) (data.Result, error) {
	if id != "mdl" {
		var buf []byte
		inner := visit
		visit = func(b []byte) error {
			var err error
			if buf, err = data.WithGISFields(buf[:0], b); err != nil {
				return err
			}
			return inner(buf)
		}
	}
	switch id {
	case "incidents":
		return o.store.Query(q.filter, visit)
	case "crossings":
		return o.crossingItems(q.filter, q.cql, visit)
	}
	return o.mdlItems(q.filter, q.boxes, q.cql, visit)
}

// crossingItems selects crossing points by their own position, direction
// and sector, and by the type and date of their incident
// (data.Store.CrossingPoints), and by the filter, if any.
func (o *ogcService) crossingItems(f data.Filter, cql *ogcFilter, visit func([]byte) error) (data.Result, error) {
	if cql != nil {
		f.Match = andMatch(f.Match, cql.match)
	}
	return o.store.CrossingPoints(f, visit)
}

// mdlItems selects the MDL when the bbox, if any, meets it.
func (o *ogcService) mdlItems(f data.Filter, boxes []orb.Bound, cql *ogcFilter, visit func([]byte) error) (data.Result, error) {
	var res data.Result
	if (len(boxes) > 0 && !slices.ContainsFunc(boxes, func(b orb.Bound) bool { return len(clip.LineString(b, o.mdl.Line())) > 0 })) ||
		(cql != nil && !cql.match(o.mdlFeature)) {
		return res, nil
	}
	res.Matched = 1
	if f.Offset > 0 {
		return res, nil
	}
	res.Returned = 1
	return res, visit(o.mdlFeature)
}

// feature returns the stored Feature featureID of collection ci, or a 404 error.
func (o *ogcService) feature(ci ogcCollectionInfo, featureID string) ([]byte, error) {
	msg := fmt.Sprintf("the collection %s has no feature %s", ci.id, quote(featureID))
	notFound := data.NotFound("featureId", msg)
	switch ci.id {
	case "mdl":
		if featureID != "mdl" {
			return nil, data.NotFound("featureId", msg+`: its one feature is "mdl"`)
		}
		return o.mdlFeature, nil
	case "crossings":
		b, err := o.store.Crossing(featureID)
		if data.ErrorKind(err) == data.KindNotFound {
			if i := strings.LastIndex(featureID, "-x"); i < 0 || !data.ValidID(featureID[:i]) || !isDigits(featureID[i+2:]) {
				notFound = data.NotFound("featureId", msg+": a crossing point's id is its incident's id and -x1, -x2, …")
			}
			return nil, notFound
		}
		return b, err
	}
	if !data.ValidID(featureID) {
		return nil, data.NotFound("featureId", msg+": "+data.IDRule)
	}
	b, err := o.store.Feature(featureID)
	if data.ErrorKind(err) == data.KindNotFound {
		return nil, notFound
	}
	return b, err
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
