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
