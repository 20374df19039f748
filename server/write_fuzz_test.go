package server

import (
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func FuzzNewID(f *testing.F) {
	f.Add(2017, 11, 13, "Soldier defects at the JSA!")
	f.Add(1968, 1, 0, "판문점")
	f.Add(0, 0, 0, "")
	f.Fuzz(func(t *testing.T, y, m, d int, title string) {
		in := &data.Incident{Date: data.Date{Year: y % 10000, Month: m % 13, Day: d % 32}, Title: title}
		if in.Date.Year < 0 || in.Date.Month < 0 || in.Date.Day < 0 {
			return
		}
		if id := newID(in); !data.ValidID(id) || strings.Contains(id, "--") {
			t.Errorf("newID(%+v) = %q, not a valid id", in.Date, id)
		}
	})
}

func FuzzBearer(f *testing.F) {
	f.Add("Bearer abc")
	f.Add("bearer\tabc")
	f.Fuzz(func(t *testing.T, h string) {
		if tok, ok := bearer(h); ok && (tok == "" || tok != strings.TrimSpace(tok)) {
			t.Errorf("bearer(%q) = %q", h, tok)
		}
	})
}
