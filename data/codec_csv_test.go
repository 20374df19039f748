package data

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCSVRoundTrip(t *testing.T) {
	ins := fixture()
	ins[0].Path = orb.LineString{{126.6767, 37.93}, {126.6767, 37.99}}
	ins[0].Direction = SouthToNorth
	ins[1].Casualties = Casualties{Note: "unknown, sources differ"}
	ins[2].Summary = "Line one,\nline two with \"quotes\"."
	for i := 0; i < 7; i++ {
		ins[3].Sources = append(ins[3].Sources, Source{Title: "Extra", URL: "https://example.org/x", Publisher: "P"})
	}
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	m := mdl(t)
	for _, in := range ins {
		pl := m.Place(in.Location)
		f, _ := EncodeFeature(in, &pl)
		if err := w.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCSV(&buf, m)
	if err != nil {
		t.Fatalf("DecodeCSV: %v", err)
	}
	if !reflect.DeepEqual(got, ins) {
		for i := range got {
			if !reflect.DeepEqual(got[i], ins[i]) {
				t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], ins[i])
			}
		}
	}
}

func TestDecodeCSVNamesBadRows(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewCSVWriter(&buf)
	for _, in := range fixture()[:4] {
		f, _ := EncodeFeature(in, nil)
		w.WriteFeature(f)
	}
	w.Flush()
	lines := strings.Split(buf.String(), "\n")
	lines[2] = strings.Replace(lines[2], ",1965,year,", ",19x5,year,", 1) // row 3 of the file
	lines[4] = strings.Replace(lines[4], ",shooting,", ",riot,", 1)
	_, err := DecodeCSV(strings.NewReader(strings.Join(lines, "\n")), nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("DecodeCSV = %v", err)
	}
	got := map[int]string{}
	for _, f := range e.Fields {
		got[*f.Index] = f.Field
	}
	if !reflect.DeepEqual(got, map[int]string{3: "date", 5: "type"}) {
		t.Errorf("bad rows = %v, want row 3 date and row 5 type (%v)", got, e.Fields)
	}
}

func TestDecodeCSVHeader(t *testing.T) {
	cases := []struct{ name, csv, want string }{
		{"empty", "", "empty"},
		{"unknown column", "id,title,type,date,lon,lat,location_precision_m,summary,confidence,colour\n", `"colour" is not a known column`},
		{"missing column", "id,title,type,date,lon,location_precision_m,summary,confidence\n", `"lat" is missing`},
		{"malformed", "id,title,type,date,lon,lat,location_precision_m,summary,confidence\n\"a,b\n", "malformed CSV"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCSV(strings.NewReader(tc.csv), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeCSV = %v, want …%s…", err, tc.want)
			}
		})
	}
}

func TestCSVNeutraliseRoundTrip(t *testing.T) {
	cases := []struct{ in, out string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-x", "'-x"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
		{"-12.5", "-12.5"}, {"-1e3", "'-1e3"}, {"-2+3", "'-2+3"}, {"12", "12"}, {"", ""}, {"'", "'"},
		{"'=x", "''=x"}, {"''@x", "'''@x"}, {"'plain", "'plain"}, {"a=b", "a=b"}, {"한국", "한국"},
	}
	for _, tc := range cases {
		if got := csvNeutralise(tc.in); got != tc.out {
			t.Errorf("csvNeutralise(%q) = %q, want %q", tc.in, got, tc.out)
		}
		if got := csvRestore(csvNeutralise(tc.in)); got != tc.in {
			t.Errorf("csvRestore(csvNeutralise(%q)) = %q", tc.in, got)
		}
	}
}

// TestWriteDamagedFeature checks that a stored Feature that no longer
// decodes (a byte flipped on disk) is reported as the database's damage,
// not as invalid input, by the CSV and KML writers both.
func TestWriteDamagedFeature(t *testing.T) {
	good, err := EncodeFeature(valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{bytes.Replace(good, []byte(`"Feature"`), []byte(`"0eature"`), 1), good[:len(good)/2]} {
		cw, _ := NewCSVWriter(io.Discard)
		kw, _ := NewKMLWriter(io.Discard, "dmzmap", "")
		for name, err := range map[string]error{"CSV": cw.WriteFeature(bad), "KML": kw.WriteFeature(bad)} {
			if !errors.Is(err, ErrDamaged) || ErrorKind(err) != KindInternal {
				t.Errorf("%s of %.40s…: %v (kind %v), want the database's damage", name, bad, err, ErrorKind(err))
			}
		}
	}
}
