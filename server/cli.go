package server

import (
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/valyala/fasthttp"
)

// BackupName is the file name of a backup taken at t:
// dmzmap-20261125-143000.db (UTC).
func BackupName(t time.Time) string {
	return "dmzmap-" + t.UTC().Format("20060102-150405") + ".db"
}

// ParseFilter reads the filter parameters of the export (year, from, to,
// type, direction, sector, bbox, q) from params with the API's one query
// parser, thisYear being the latest year accepted. route names the caller
// in messages. Its error lists every parameter that is wrong, each as
// "name: message".
func ParseFilter(route string, params url.Values, thisYear int) (data.Filter, error) {
	var args fasthttp.Args
	for name, vals := range params {
		for _, v := range vals {
			args.Add(name, v)
		}
	}
	q, err := parseQuery(&args, querySpec{route: route}, thisYear)
	return q.filter, err
}

// WriteCollection writes the incidents f selects from st to w as the
// GeoJSON FeatureCollection that GET /api/export.geojson answers.
func WriteCollection(w io.Writer, st Store, f data.Filter) error {
	fc := newCollection(w).withDataset(datasetOf(st))
	res, err := st.Query(f, fc.add)
	if err == nil {
		err = fc.end(res)
	}
	return err
}

// WriteExport writes the incidents f selects from st to w in format
// (geojson, csv or kml) with the writers of GET /api/export, so that the
// bytes are the API's.
func WriteExport(w io.Writer, st Store, f data.Filter, format string) error {
	ef, ok := exportFormats[format]
	if !ok {
		return fmt.Errorf("unknown export format %q: want one of %v", format, exportFormatNames)
	}
	_, err := ef.write(&Server{store: st}, w, f)
	return err
}
