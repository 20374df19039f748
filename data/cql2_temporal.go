package data

import (
	"strings"
	"time"
)

// parseTemporal reads a date (YYYY-MM-DD) or, unless dateOnly, an RFC 3339
// timestamp, as the number of its day (its date as written).
func parseTemporal(s string, dateOnly bool) (int, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return dayNumber(t), true
	}
	if dateOnly {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return 0, false
	}
	return dayNumber(t), true
}

// parsePeriod reads a property's value as the days it names: a date
// (YYYY-MM-DD, YYYY-MM or YYYY: all of that month or year) or a timestamp.
func parsePeriod(s string) ([2]int, bool) {
	if d, err := ParseDate(s); err == nil {
		switch {
		case d.Month == 0:
			return [2]int{dayNumber(time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC)), dayNumber(time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC))}, true
		case d.Day == 0:
			first := time.Date(d.Year, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC)
			return [2]int{dayNumber(first), dayNumber(first.AddDate(0, 1, -1))}, true
		}
		day := dayNumber(time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC))
		return [2]int{day, day}, true
	}
	if day, ok := parseTemporal(s, false); ok {
		return [2]int{day, day}, true
	}
	return [2]int{}, false
}

// dayNumber numbers t's date as written: days since 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayKey is the date key (YYYYMMDD) of a day number.
func dayKeyOf(day int) uint32 {
	y, m, d := time.Unix(int64(day)*86400, 0).UTC().Date()
	if y < 1 {
		return 0
	}
	return DateKey(min(y, 9999), int(m), d)
}

func periodOf(n node, f *CQL2Feature) ([2]int, bool) {
	switch v := value(n, f).(type) {
	case dateLit:
		return [2]int{v.day, v.day}, true
	case timeLit:
		return [2]int{v.day, v.day}, true
	case interval:
		return [2]int{v.from, v.to}, true
	case string:
		return parsePeriod(v)
	}
	return [2]int{}, false
}

// temporal is a temporal function of CQL2 on closed intervals of days.
func temporal(op string, a, b [2]int) bool {
	switch op {
	case "t_after":
		return a[0] > b[1]
	case "t_before":
		return a[1] < b[0]
	case "t_contains":
		return a[0] < b[0] && a[1] > b[1]
	case "t_disjoint":
		return a[0] > b[1] || a[1] < b[0]
	case "t_during":
		return a[0] > b[0] && a[1] < b[1]
	case "t_equals":
		return a == b
	case "t_finishedby":
		return a[0] < b[0] && a[1] == b[1]
	case "t_finishes":
		return a[0] > b[0] && a[1] == b[1]
	case "t_meets":
		return a[1] == b[0] && a[0] < b[0]
	case "t_metby":
		return a[0] == b[1] && a[1] > b[1]
	case "t_overlappedby":
		return a[0] > b[0] && a[0] < b[1] && a[1] > b[1]
	case "t_overlaps":
		return a[0] < b[0] && a[1] > b[0] && a[1] < b[1]
	case "t_startedby":
		return a[0] == b[0] && a[1] > b[1]
	case "t_starts":
		return a[0] == b[0] && a[1] < b[1]
	}
	return a[0] <= b[1] && a[1] >= b[0] // t_intersects
}
