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

func FuzzCSVRows(f *testing.F) {
	f.Add("id,title\na,b\n \nc,d\n", 2)
	f.Add("\"unclosed", 3)
	f.Fuzz(func(t *testing.T, body string, n int) {
		n %= 1000
		if n < 0 {
			return
		}
		rows := csvRows([]byte(body), n)
		if len(rows) != n {
			t.Fatalf("csvRows gave %d rows for %d incidents", len(rows), n)
		}
		for i := 1; i < len(rows); i++ {
			if rows[i] <= rows[i-1] || rows[0] < 2 {
				t.Fatalf("rows %v are not rising from 2", rows)
			}
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
