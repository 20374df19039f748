package data

import (
	"fmt"
	"testing"
	"time"
)

// TestPlainDate checks plainDate against time.Parse(time.DateOnly) on every
// month and day, valid or not, of leap and common years.
func TestPlainDate(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 400, 1900, 1953, 1999, 2000, 2016, 2017, 2100, 2400, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				got, ok := plainDate(s)
				want, err := time.Parse(time.DateOnly, s)
				if ok != (err == nil) || got != want && ok {
					t.Errorf("plainDate(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
				}
			}
		}
	}
	for _, s := range []string{"", "2017-1-011", "+017-01-01", "2017/01/01", "２017-01-01", "2017-01-0a", "2017-01-01T", "2017-01-01Z"} {
		if got, ok := plainDate(s); ok {
			t.Errorf("plainDate(%q) = %v, true; want false", s, got)
		}
	}
}

// TestPlainDatetime checks that plainDatetime, where it reads a value,
// reads it as the general rules do.
func TestPlainDatetime(t *testing.T) {
	dates := []string{"", "..", "0001-01-01", "1953-07-27", "1965-06-15", "2000-02-29", "2001-02-29", "2017-11-13", "2017-13-01", "2017-11-13T10:00:00Z", "P2D", "x"}
	var values []string
	for _, a := range dates {
		values = append(values, a, a+"/", "/"+a, a+"/"+a+"/"+a)
		for _, b := range dates {
			values = append(values, a+"/"+b)
		}
	}
	for _, v := range values {
		from, to, since, ok := plainDatetime(v)
		if !ok {
			continue
		}
		wf, wt, ws, e := parseAnyDatetime(v)
		if e != nil || from != wf || to != wt || since != ws {
			t.Errorf("plainDatetime(%q) = %d, %d, %d; parseAnyDatetime: %d, %d, %d, %v", v, from, to, since, wf, wt, ws, e)
		}
	}
	for _, v := range []string{"2017-11-13", "1960-01-01/1969-12-31", "../1970-12-31", "2017-01-01/.."} {
		if _, _, _, ok := plainDatetime(v); !ok {
			t.Errorf("plainDatetime(%q) is not read", v)
		}
	}
}
