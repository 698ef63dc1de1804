package beseda_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/beseda/beseda"
)

func schedule(t *testing.T, h beseda.BusinessHours) *beseda.Schedule {
	t.Helper()
	if err := h.Normalize(); err != nil {
		t.Fatal(err)
	}
	s, err := h.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func weekdays(start, end string) []beseda.Period {
	var out []beseda.Period
	for d := 1; d <= 5; d++ {
		out = append(out, beseda.Period{Weekday: d, Start: start, End: end})
	}
	return out
}

func local(t *testing.T, tz, v string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestT1_WorkingTime: adding working time to an instant and measuring it
// between two instants, across clock changes, midnight-crossing periods,
// several periods a day and holidays.
func TestT1_WorkingTime(t *testing.T) {
	const berlin, newYork = "Europe/Berlin", "America/New_York"
	office := beseda.BusinessHours{TimeZone: berlin, Periods: weekdays("09:00", "17:00")}
	split := beseda.BusinessHours{TimeZone: berlin, Periods: append(weekdays("09:00", "12:00"), weekdays("13:00", "17:00")...)}
	nights := beseda.BusinessHours{TimeZone: newYork, Periods: []beseda.Period{
		{Weekday: 5, Start: "22:00", End: "06:00"}, {Weekday: 6, Start: "22:00", End: "06:00"}}}
	early := beseda.BusinessHours{TimeZone: berlin, Periods: []beseda.Period{{Weekday: 0, Start: "00:00", End: "06:00"}}}
	christmas := beseda.BusinessHours{TimeZone: berlin, Periods: weekdays("09:00", "17:00"),
		Holidays: []beseda.Holiday{{Date: "2020-12-25", Yearly: true}, {Date: "2026-12-28"}}}
	nightHoliday := nights
	nightHoliday.Holidays = []beseda.Holiday{{Date: "2026-03-07"}} // a Saturday
	always := beseda.BusinessHours{TimeZone: newYork}
	alwaysHoliday := beseda.BusinessHours{TimeZone: newYork, Holidays: []beseda.Holiday{{Date: "2026-07-04", Yearly: true}}}

	cases := []struct {
		name  string
		hours beseda.BusinessHours
		tz    string
		from  string
		add   time.Duration
		want  string // from + add of working time
	}{
		{"within a day", office, berlin, "2026-03-02 10:00", 2 * time.Hour, "2026-03-02 12:00"},
		{"before opening", office, berlin, "2026-03-02 06:00", time.Hour, "2026-03-02 10:00"},
		{"ends at closing", office, berlin, "2026-03-02 16:00", time.Hour, "2026-03-02 17:00"},
		{"over the weekend", office, berlin, "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"from a weekend", office, berlin, "2026-03-07 12:00", 30 * time.Minute, "2026-03-09 09:30"},
		{"a working week", office, berlin, "2026-03-02 09:00", 40 * time.Hour, "2026-03-06 17:00"},
		{"lunch break", split, berlin, "2026-03-02 11:00", 2 * time.Hour, "2026-03-02 14:00"},
		{"spring forward: a wall-clock period on the day of the change is an hour shorter", early, berlin,
			"2026-03-28 23:00", 5 * time.Hour, "2026-03-29 06:00"},
		{"spring forward: the next week", early, berlin, "2026-03-28 23:00", 6 * time.Hour, "2026-04-05 01:00"},
		{"fall back: an hour longer", early, berlin, "2026-10-24 23:00", 7 * time.Hour, "2026-10-25 06:00"},
		{"office hours over spring forward", office, berlin, "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"past midnight", nights, newYork, "2026-03-06 23:00", 2 * time.Hour, "2026-03-07 01:00"},
		{"past midnight into the next night", nights, newYork, "2026-03-07 05:00", 2 * time.Hour, "2026-03-07 23:00"},
		{"past midnight, over spring forward (New York, March 8)", nights, newYork, "2026-03-07 22:00", 7 * time.Hour, "2026-03-08 06:00"},
		{"past midnight, over fall back (New York, November 1)", nights, newYork, "2026-10-31 22:00", 9 * time.Hour, "2026-11-01 06:00"},
		{"a yearly holiday", christmas, berlin, "2026-12-24 16:00", 2 * time.Hour, "2026-12-29 10:00"},
		{"a holiday cuts the night that runs into it", nightHoliday, newYork, "2026-03-06 23:00", 2 * time.Hour, "2026-03-08 01:00"},
		{"no periods: always open, real hours over spring forward", always, newYork, "2026-03-07 23:00", 30 * time.Hour, "2026-03-09 06:00"},
		{"no periods, a holiday", alwaysHoliday, newYork, "2026-07-03 23:00", 2 * time.Hour, "2026-07-05 01:00"},
		{"nothing to add", office, berlin, "2026-03-07 12:00", 0, "2026-03-07 12:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := schedule(t, c.hours)
			from := local(t, c.tz, c.from)
			want := local(t, c.tz, c.want)
			if got := s.Add(from, c.add); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", c.from, c.add, got.In(s.Location()), want)
			}
			if got := s.Between(from, want); got != c.add {
				t.Errorf("Between(%s, %s) = %s, want %s", c.from, c.want, got, c.add)
			}
		})
	}
}

// TestT1_BetweenUndoesAdd: for any instant and duration, the working time
// between an instant and the instant Add gives is the duration added.
func TestT1_BetweenUndoesAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	hours := []beseda.BusinessHours{
		{TimeZone: "Europe/Berlin", Periods: append(weekdays("09:00", "12:30"), weekdays("13:15", "18:00")...)},
		{TimeZone: "America/New_York", Periods: []beseda.Period{{Weekday: 0, Start: "20:00", End: "02:30"},
			{Weekday: 3, Start: "00:00", End: "24:00"}, {Weekday: 6, Start: "01:00", End: "03:00"}},
			Holidays: []beseda.Holiday{{Date: "2026-01-01", Yearly: true}, {Date: "2026-07-08"}}},
		{TimeZone: "Australia/Lord_Howe", Periods: weekdays("01:30", "02:45")}, // a half-hour clock change
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, h := range hours {
		s := schedule(t, h)
		for range 300 {
			from := base.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
			d := time.Duration(r.Int64N(int64(60 * time.Hour))).Truncate(time.Second)
			to := s.Add(from, d)
			if got := s.Between(from, to); got != d {
				t.Fatalf("%s: Between(%s, Add(%s, %s) = %s) = %s", h.TimeZone, from, from, d, to, got)
			}
			if d > 0 && !s.Open(to.Add(-time.Nanosecond)) {
				t.Fatalf("%s: Add(%s, %s) = %s does not end within working time", h.TimeZone, from, d, to)
			}
		}
	}
}

// TestT1_NoWorkingTimeLeft: a schedule whose holidays take every day has no
// deadline: Add returns the zero time rather than searching for ever.
func TestT1_NoWorkingTimeLeft(t *testing.T) {
	h := beseda.BusinessHours{TimeZone: "UTC"}
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
		h.Holidays = append(h.Holidays, beseda.Holiday{Date: d.Format(time.DateOnly), Yearly: true})
	}
	s := schedule(t, h)
	if got := s.Add(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Minute); !got.IsZero() {
		t.Fatalf("Add = %s, want the zero time", got)
	}
}

// TestT1_InvalidHours: what the schedule refuses, with invalid_input.
func TestT1_InvalidHours(t *testing.T) {
	for name, h := range map[string]beseda.BusinessHours{
		"unknown zone":    {TimeZone: "Mars/Olympus"},
		"local zone":      {TimeZone: "Local"},
		"weekday 7":       {Periods: []beseda.Period{{Weekday: 7, Start: "09:00", End: "10:00"}}},
		"hour 25":         {Periods: []beseda.Period{{Weekday: 1, Start: "09:00", End: "25:00"}}},
		"starts at 24:00": {Periods: []beseda.Period{{Weekday: 1, Start: "24:00", End: "10:00"}}},
		"no minutes":      {Periods: []beseda.Period{{Weekday: 1, Start: "9", End: "10:00"}}},
		"bad date":        {Holidays: []beseda.Holiday{{Date: "2026-02-30"}}},
	} {
		if err := h.Normalize(); beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("%s: Normalize() = %v, want invalid_input", name, err)
		}
	}
	h := beseda.BusinessHours{Periods: []beseda.Period{{Weekday: 1, Start: "22:00", End: "00:00"}, {Weekday: 1, Start: "00:00", End: "24:00"}}}
	if err := h.Normalize(); err != nil || h.TimeZone != "UTC" {
		t.Fatalf("Normalize() = %v, zone %q; want a valid schedule in UTC", err, h.TimeZone)
	}
}

// TestT1_WholeDay: a period that ends when it starts lasts a whole day, as
// a form with times of day (no 24:00) writes it.
func TestT1_WholeDay(t *testing.T) {
	s := schedule(t, beseda.BusinessHours{TimeZone: "Europe/Berlin", Periods: []beseda.Period{{Weekday: 0, Start: "00:00", End: "00:00"}}})
	from := local(t, "Europe/Berlin", "2026-03-28 12:00")
	if got, want := s.Between(from, from.AddDate(0, 0, 7)), 23*time.Hour; got != want {
		t.Fatalf("a week has %s of working time, want %s (Sunday 29 March lasts 23 hours in Berlin)", got, want)
	}
}
