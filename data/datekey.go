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

// PeriodEnd is the last day key of the period a date key names: the key
// itself for a day, the 31st of the month for a month (19691200 ends
// 19691231; a shorter month's 31st still sorts before the next month),
// 31 December for a year.
func PeriodEnd(key uint32) uint32 {
	switch {
	case isYearKey(key):
		return key + 1231
	case key%100 == 0:
		return key + 31
	}
	return key
}

// keyYear is the year of date key k.
func keyYear(k uint32) uint32 { return k / 10000 }

// yearStart is the key of k's year alone (month and day unknown), the
// first key of the year's range.
func yearStart(k uint32) uint32 { return k / 10000 * 10000 }

// yearStartOf is the first key of year y's range.
func yearStartOf(y uint32) uint32 { return y * 10000 }

// monthStart is the key of k's month alone (day unknown), the first key of
// the month's range; for a year's key, the key itself.
func monthStart(k uint32) uint32 { return k / 100 * 100 }

// isYearKey says whether k names a year alone, the first key of its range.
func isYearKey(k uint32) bool { return k%10000 == 0 }

// endsYear says whether no key of k's year sorts after k (31 December or a
// year's end key).
func endsYear(k uint32) bool { return k%10000 >= 1231 }
