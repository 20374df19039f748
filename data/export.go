package data

import (
	"fmt"
	"io"
)

// CollectionAttribution credits the data in every collection of incidents:
// their own sources and the OpenStreetMap-derived MDL that places them.
const CollectionAttribution = "Incidents: dmzmap (CC BY 4.0), each from the sources it lists; MDL: " + Attribution

// The media types of the CSV and KML exports.
const (
	ContentTypeCSV = "text/csv; charset=utf-8"
	ContentTypeKML = "application/vnd.google-earth.kml+xml"
)

// kmlDescription is the KML document's description: the credit of its data.
const kmlDescription = "DMZ incidents from dmzmap (CC BY 4.0): each Placemark lists the published sources it rests on. " +
	"Locations are placed against the Military Demarcation Line derived from OpenStreetMap data, © OpenStreetMap contributors (ODbL)."

// Exporter is what an export reads: a Store, or a Replica's.
type Exporter interface {
	Query(f Filter, visit func(feature []byte) error) (Result, error)
	Version() (Version, error)
}

// exportFormat is a file format of the export.
type exportFormat struct {
	contentType string
	// write streams the incidents f selects to w and returns how many it wrote.
	write func(w io.Writer, src Exporter, f Filter) (int, error)
}

// ExportFormats are the export's formats by name, which is also the file
// extension, the default first.
var ExportFormats = []string{"geojson", "csv", "kml"}

var exportFormats = map[string]exportFormat{
	"geojson": {ContentTypeGeoJSON, writeGeoJSON},
	"csv":     {ContentTypeCSV, writeCSV},
	"kml":     {ContentTypeKML, writeKML},
}

// ExportContentType returns the media type of the export format, and
// whether there is such a format.
func ExportContentType(format string) (string, bool) {
	ef, ok := exportFormats[format]
	return ef.contentType, ok
}

// WriteExport writes the incidents f selects from src to w in format
// (geojson, csv or kml): a FeatureCollection with the counts, the dataset
// version and the attribution, a CSV with a dataset_version column, or a
// KML document. It returns how many incidents it wrote.
func WriteExport(w io.Writer, src Exporter, f Filter, format string) (int, error) {
	ef, ok := exportFormats[format]
	if !ok {
		return 0, fmt.Errorf("unknown export format %q: want one of %v", format, ExportFormats)
	}
	return ef.write(w, src, f)
}

// datasetOf returns the version of the dataset src holds; zero if unknown.
func datasetOf(src Exporter) Dataset {
	v, err := src.Version()
	if err != nil {
		return Dataset{}
	}
	return v.Dataset
}

func writeGeoJSON(w io.Writer, src Exporter, f Filter) (int, error) {
	cw := NewCollectionWriter(w).WithDataset(datasetOf(src))
	res, err := src.Query(f, cw.Add)
	if err == nil {
		err = cw.End(res)
	}
	return cw.Len(), err
}

func writeCSV(w io.Writer, src Exporter, f Filter) (int, error) {
	cw, err := NewCSVWriter(w)
	if err != nil {
		return 0, err
	}
	cw.DatasetVersion = datasetOf(src).Version
	res, err := src.Query(f, cw.WriteFeature)
	if err == nil {
		err = cw.Flush()
	}
	return res.Returned, err
}

func writeKML(w io.Writer, src Exporter, f Filter) (int, error) {
	desc := kmlDescription
	if d := datasetOf(src); !d.IsZero() {
		desc += " Dataset version " + d.Version + " (" + d.Date + ")."
	}
	kw, err := NewKMLWriter(w, "DMZ incidents", desc)
	if err != nil {
		return 0, err
	}
	res, err := src.Query(f, kw.WriteFeature)
	if err == nil {
		err = kw.Close()
	}
	return res.Returned, err
}
