package data

import (
	"testing"
	"time"
)

func TestDatePeriod(t *testing.T) {
	for _, tc := range []struct {
		d          Date
		start, end string
	}{
		{Date{Year: 1965}, "1965-01-01", "1965-12-31"},
		{Date{Year: 1969, Month: 12}, "1969-12-01", "1969-12-31"},
		{Date{Year: 2024, Month: 2}, "2024-02-01", "2024-02-29"},
		{Date{Year: 2023, Month: 2}, "2023-02-01", "2023-02-28"},
		{Date{Year: 2017, Month: 11, Day: 13}, "2017-11-13", "2017-11-13"},
	} {
		a, b := DatePeriod(tc.d)
		if a.Format(time.DateOnly) != tc.start || b.Format(time.DateOnly) != tc.end {
			t.Errorf("%v: %s to %s, want %s to %s", tc.d, a.Format(time.DateOnly), b.Format(time.DateOnly), tc.start, tc.end)
		}
	}
}
