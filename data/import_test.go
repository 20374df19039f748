package data

import (
	"slices"
	"testing"
)

func TestCSVRows(t *testing.T) {
	body := "id,title\n" + // row 1
		"a,\"two\nlines\"\n" + // row 2
		"   \n" + // row 3, blank
		"\n" + // skipped by encoding/csv
		"b,x\n" // row 4
	if got, want := csvRows([]byte(body), 2), []int{2, 4}; !slices.Equal(got, want) {
		t.Errorf("csvRows = %v, want %v", got, want)
	}
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
