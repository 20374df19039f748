package data

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// parseDatetime reads the datetime= of OGC API – Features: an instant, a
// date (2017-11-13) or an RFC 3339 date-time (2017-11-13T10:00:00Z), or an
// interval start/end where either end may be ".." or empty to leave it
// open. A date followed by a bare T (2017-01-01T, as GDAL 3.6 sends) is that
// date. Incidents have dates, not times: a date-time stands for its date as
// written. It returns the date keys of the range, 0 where open, and the day
// Since of Filter.
//
// An incident's date is the period it names: a day, or for a date known
// only to the month or the year the whole month or year (1965 is
// 1965-01-01/1965-12-31, as its date_start and date_end say). datetime
// selects the incidents whose period meets the instant or the interval:
// 1965-06-01/1965-12-31 and the instant 1965-06-15 hold an incident dated
// only 1965, ../1964-12-31 and 1966-01-01/.. do not.
func parseDatetime(v string) (from, to, since uint32, e *FieldError) {
	if from, to, since, ok := plainDatetime(v); ok {
		return from, to, since, nil
	}
	return parseAnyDatetime(strings.Clone(v)) // v itself stays where it is: a caller's stack
}

// plainDatetime is parseDatetime of what holds only plain dates
// (YYYY-MM-DD, see plainDate) and open ends; false for anything else, and
// for a range whose start is after its end.
func plainDatetime(v string) (from, to, since uint32, ok bool) {
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		t, ok := plainDate(v)
		if !ok {
			return 0, 0, 0, false
		}
		return YearKey(t.Year()), DayKey(t), DayKey(t), true
	}
	var a, b time.Time
	if start != "" && start != ".." {
		if a, ok = plainDate(start); !ok {
			return 0, 0, 0, false
		}
	}
	if end != "" && end != ".." {
		if b, ok = plainDate(end); !ok {
			return 0, 0, 0, false
		}
	}
	if !a.IsZero() {
		from, since = YearKey(a.Year()), DayKey(a)
	}
	if !b.IsZero() {
		to = DayKey(b)
	}
	if !a.IsZero() && !b.IsZero() && since > to {
		return 0, 0, 0, false
	}
	return from, to, since, true
}

// parseAnyDatetime is parseDatetime by the general rules.
func parseAnyDatetime(v string) (from, to, since uint32, e *FieldError) {
	const want = "expected an instant like 2017-11-13 or 2017-11-13T10:00:00Z, or an interval like 1960-01-01/1969-12-31, 2017-01-01/.. or ../1970-12-31"
	bad := func(format string, a ...any) (uint32, uint32, uint32, *FieldError) {
		fe := ParamError("datetime", fmt.Sprintf(format, a...))
		return 0, 0, 0, &fe
	}
	date := func(s string) (time.Time, bool) {
		if t, ok := plainDate(s); ok {
			return t, true
		}
		s = strings.ToUpper(s) // RFC 3339 allows t and z
		for _, layout := range []string{time.DateOnly, "2006-01-02T", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		t, ok := date(v)
		if !ok {
			return bad("%s is not a date or an RFC 3339 date-time: %s", Quote(v), want)
		}
		return YearKey(t.Year()), DayKey(t), DayKey(t), nil
	}
	if strings.Contains(end, "/") {
		return bad("%s has more than one '/': %s", Quote(v), want)
	}
	var a, b time.Time
	// One end may be an ISO 8601 duration from or to the other
	// (2018-02-12/P2D, P1M/2018-03-01), as the OGC's conformance suite sends.
	startDur, endDur := isDuration(start), isDuration(end)
	if startDur && endDur {
		return bad("%s has two durations: give a start or an end: %s", Quote(v), want)
	}
	for _, part := range []struct {
		s string
		t *time.Time
	}{{start, &a}, {end, &b}} {
		if part.s == "" || part.s == ".." || isDuration(part.s) {
			continue
		}
		t, ok := date(part.s)
		if !ok {
			return bad("%s is not a date, an RFC 3339 date-time or '..': %s", Quote(part.s), want)
		}
		*part.t = t
	}
	if startDur || endDur {
		d, ok := parseDuration(pick(start, end, startDur))
		switch {
		case !ok:
			return bad("%s is not an ISO 8601 duration like P2D, P1M6D or PT12H: %s", Quote(pick(start, end, startDur)), want)
		case startDur && b.IsZero(), endDur && a.IsZero():
			return bad("%s: a duration needs a date at the other end: %s", Quote(v), want)
		case startDur:
			if a = d.before(b); a.Year() < 1 {
				a = time.Time{} // before any date: open
			}
		default:
			if b = d.after(a); b.Year() > 9999 {
				b = time.Time{} // after any date: open
			}
		}
	}
	if !a.IsZero() {
		from, since = YearKey(a.Year()), DayKey(a)
	}
	if !b.IsZero() {
		to = DayKey(b)
	}
	if !a.IsZero() && !b.IsZero() && since > to {
		return bad("the start %s is after the end %s: expected start <= end", Quote(start), Quote(end))
	}
	return from, to, since, nil
}

// plainDate reads a valid YYYY-MM-DD as time.Parse(time.DateOnly, s)
// does, without its general parser; false for anything else.
func plainDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, okY := parseDigits(s[:4])
	m, okM := parseDigits(s[5:7])
	d, okD := parseDigits(s[8:])
	if !okY || !okM || !okD || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	days := 31
	switch m {
	case 4, 6, 9, 11:
		days = 30
	case 2:
		days = 28
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			days = 29
		}
	}
	if d > days {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

func pick(a, b string, first bool) string {
	if first {
		return a
	}
	return b
}

func isDuration(s string) bool { return strings.HasPrefix(strings.ToUpper(s), "P") }

// duration is an ISO 8601 duration: years, months and days of the
// calendar, and a time.
type duration struct {
	years, months, days int
	clock               time.Duration
}

func (d duration) after(t time.Time) time.Time {
	return t.AddDate(d.years, d.months, d.days).Add(d.clock)
}

func (d duration) before(t time.Time) time.Time {
	return t.AddDate(-d.years, -d.months, -d.days).Add(-d.clock)
}

var durationRE = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)

// parseDuration reads an ISO 8601 duration such as P2D, P1Y2M, P1M6DT12H31M12S.
func parseDuration(s string) (duration, bool) {
	s = strings.ToUpper(s)
	m := durationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return duration{}, false
	}
	n := func(i int) int {
		v, _ := parseDigits(m[i])
		return min(v, 100000) // beyond any date: the range is then open in effect
	}
	d := duration{years: n(1), months: n(2), days: n(3)*7 + n(4)}
	d.clock = time.Duration(n(5))*time.Hour + time.Duration(n(6))*time.Minute
	if m[7] != "" {
		sec, err := strconv.ParseFloat(strings.Replace(m[7], ",", ".", 1), 64)
		if err != nil {
			return duration{}, false
		}
		d.clock += time.Duration(min(sec, 1e9) * float64(time.Second))
	}
	return d, true
}
