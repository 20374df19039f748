package data

import (
	"fmt"
	"time"
)

// A date key is a date as the number YYYYMMDD, with 00 for an unknown
// month or day, so that keys sort in date order and a year's incidents
// share a key range (YYYY0000 to YYYY1299). The store's keys, the index and
// every Filter use it; this file is its one definition.

// DateKey returns the key of year, month and day (0 where unknown).
func DateKey(year, month, day int) uint32 {
	return uint32(year*10000 + month*100 + day)
}

// DayKey is the date key of t's date as written.
func DayKey(t time.Time) uint32 {
	y, m, d := t.Date()
	return DateKey(y, int(m), d)
}

// YearKey is the first date key of year: the start of the range that holds
// every incident of that year, whatever the precision of its date.
func YearKey(year int) uint32 { return DateKey(year, 0, 0) }

// yearEndKey is the last date key of year, after any key of its days.
func yearEndKey(year int) uint32 { return DateKey(year, 12, 99) }

// KeyDate splits a date key into its year, month and day (0 where unknown).
func KeyDate(k uint32) (year, month, day int) {
	return int(k / 10000), int(k / 100 % 100), int(k % 100)
}

// KeyTime formats a date key as the RFC 3339 time of its first day, the
// start of the period a date known only to the month or the year names.
func KeyTime(k uint32) string {
	y, m, d := KeyDate(k)
	return fmt.Sprintf("%04d-%02d-%02dT00:00:00Z", y, max(m, 1), max(d, 1))
}

// KeyEndTime formats a date key as the RFC 3339 time of the last second of
// the period it names: its day, or the last day of its month or year (a day
// past the month's end, as PeriodEnd gives for a month, is its last day).
func KeyEndTime(k uint32) string {
	y, m, d := KeyDate(k)
	if m == 0 {
		m, d = 12, 31
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d == 0 || d > last {
		d = last
	}
	return fmt.Sprintf("%04d-%02d-%02dT23:59:59Z", y, m, d)
}
