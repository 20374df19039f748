package server

import (
	"bytes"
	"io"
	"net/url"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestWriteCollection(t *testing.T) {
	s, store, _ := newWriteServer(t, "", fixture(loadMDL(t)))
	for _, q := range []string{"", "year=2017", "type=tunnel&bbox=127,37,129,39"} {
		fq, err := data.ParseFilter(data.URLParams(mustQuery(t, q)), data.FilterSpec{Route: "test"}, testNow.Year())
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := data.WriteExport(&b, store, fq.Filter, "geojson"); err != nil {
			t.Fatal(err)
		}
		if r := get(t, s, "/api/export.geojson?"+q); !bytes.Equal(b.Bytes(), r.body) {
			t.Errorf("%s: WriteCollection wrote\n%s\nthe API exports\n%s", q, b.Bytes(), r.body)
		}
	}
	if got := BackupName(testNow); got != "dmzmap-20261125-120000.db" {
		t.Errorf("BackupName = %q", got)
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWriteExport(t *testing.T) {
	s, store, _ := newWriteServer(t, "", fixture(loadMDL(t)))
	for _, format := range []string{"geojson", "csv", "kml"} {
		var b bytes.Buffer
		if _, err := data.WriteExport(&b, store, data.Filter{Types: []data.Type{data.TypeCrossing}}, format); err != nil {
			t.Fatal(err)
		}
		if r := get(t, s, "/api/export."+format+"?type=crossing"); !bytes.Equal(b.Bytes(), r.body) {
			t.Errorf("%s: WriteExport wrote\n%s\nthe API exports\n%s", format, b.Bytes(), r.body)
		}
	}
	if _, err := data.WriteExport(io.Discard, store, data.Filter{}, "shp"); err == nil {
		t.Error("WriteExport of shp: no error")
	}
}
