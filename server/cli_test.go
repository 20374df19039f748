package server

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestParseFilter(t *testing.T) {
	f, err := ParseFilter("dmzmap export", url.Values{"from": {"1960"}, "to": {"1970"}, "type": {"crossing,shooting"}, "bbox": {"126,37,128,39"}, "q": {"soldier"}}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if f.From != 19600000 || f.To != 19701299 || len(f.Types) != 2 || f.BBox == nil || f.Text != "soldier" || f.Limit != 0 {
		t.Errorf("filter %+v does not hold the parameters", f)
	}
	_, err = ParseFilter("dmzmap export", url.Values{"year": {"1900"}, "sector": {"north"}, "limit": {"5"}}, 2026)
	var qe queryError
	if !errors.As(err, &qe) || len(qe) != 3 || !strings.Contains(err.Error(), "limit: is not a parameter of dmzmap export") {
		t.Errorf("error %v, want the year, the sector and limit named", err)
	}
}

func TestWriteCollection(t *testing.T) {
	s, store, _ := newWriteServer(t, "", fixture(loadMDL(t)))
	for _, q := range []string{"", "year=2017", "type=tunnel&bbox=127,37,129,39"} {
		f, err := ParseFilter("test", mustQuery(t, q), testNow.Year())
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteCollection(&b, store, f); err != nil {
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
		if err := WriteExport(&b, store, data.Filter{Types: []data.Type{data.TypeCrossing}}, format); err != nil {
			t.Fatal(err)
		}
		if r := get(t, s, "/api/export."+format+"?type=crossing"); !bytes.Equal(b.Bytes(), r.body) {
			t.Errorf("%s: WriteExport wrote\n%s\nthe API exports\n%s", format, b.Bytes(), r.body)
		}
	}
	if err := WriteExport(io.Discard, store, data.Filter{}, "shp"); err == nil {
		t.Error("WriteExport of shp: no error")
	}
}
