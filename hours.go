package beseda

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

// BusinessHours is when a workspace works: a weekly schedule of periods (several
// a day, a period may run past midnight), in a time zone, less holidays. SLA
// targets count only the working time (sla.go); routing assigns chats only
// within it. No periods means open at every hour of every day but holidays.
type BusinessHours struct {
	TimeZone  string     `json:"time_zone"`
	Periods   []Period   `json:"periods"`
	Holidays  []Holiday  `json:"holidays"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Period is one working period of a weekday (0 = Sunday … 6) from Start to
// End ("HH:MM", End may be "24:00"). An End not after Start runs into the
// next day: 22:00–06:00 on Friday is Friday night until Saturday 06:00, and
// 00:00–00:00 is the whole day.
type Period struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// Holiday is a day ("YYYY-MM-DD", in the schedule's time zone) without
// working time; a yearly one repeats on its month and day every year.
type Holiday struct {
	Date   string `json:"date"`
	Yearly bool   `json:"yearly"`
}

// Limits of a schedule, so that one stays cheap to compute.
const (
	MaxPeriods  = 100
	MaxHolidays = 500
)

// Schedule is a checked BusinessHours, ready to compute with.
type Schedule struct {
	loc      *time.Location
	periods  [7][]span    // by weekday: minutes from the day's midnight
	always   bool         // no periods: open all day
	dates    map[int]bool // yyyymmdd
	yearly   map[int]bool // mmdd
	holidays bool
}

// span is a period in minutes after its day's midnight; end may pass 1440
// (into the next day).
type span struct{ start, end int }

// civil is a calendar date, kept as midnight UTC of that date.
type civil = time.Time

// Normalize checks the hours and puts them in a canonical order; the time
// zone defaults to UTC.
func (h *BusinessHours) Normalize() error {
	h.TimeZone = strings.TrimSpace(h.TimeZone)
	if h.TimeZone == "" {
		h.TimeZone = "UTC"
	}
	if h.Periods == nil {
		h.Periods = []Period{}
	}
	if h.Holidays == nil {
		h.Holidays = []Holiday{}
	}
	if len(h.Periods) > MaxPeriods {
		return Errorf(EINVALID, "at most %d periods", MaxPeriods)
	}
	if len(h.Holidays) > MaxHolidays {
		return Errorf(EINVALID, "at most %d holidays", MaxHolidays)
	}
	slices.SortFunc(h.Periods, func(a, b Period) int {
		if a.Weekday != b.Weekday {
			return a.Weekday - b.Weekday
		}
		return strings.Compare(a.Start, b.Start)
	})
	h.Periods = slices.Compact(h.Periods)
	slices.SortFunc(h.Holidays, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	h.Holidays = slices.CompactFunc(h.Holidays, func(a, b Holiday) bool { return a.Date == b.Date })
	_, err := h.Schedule()
	return err
}

// Schedule checks the hours and returns them ready to compute with.
func (h *BusinessHours) Schedule() (*Schedule, error) {
	tz := h.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		return nil, Errorf(EINVALID, "unknown time zone %q", h.TimeZone)
	}
	s := &Schedule{loc: loc, always: len(h.Periods) == 0, dates: map[int]bool{}, yearly: map[int]bool{}}
	for _, p := range h.Periods {
		if p.Weekday < 0 || p.Weekday > 6 {
			return nil, Errorf(EINVALID, "weekday must be 0 (Sunday) to 6, not %d", p.Weekday)
		}
		start, err := parseClock(p.Start, false)
		if err != nil {
			return nil, err
		}
		end, err := parseClock(p.End, true)
		if err != nil {
			return nil, err
		}
		if end <= start {
			end += 24 * 60
		}
		s.periods[p.Weekday] = append(s.periods[p.Weekday], span{start, end})
	}
	for _, d := range h.Holidays {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			return nil, Errorf(EINVALID, "holiday date must be YYYY-MM-DD, not %q", d.Date)
		}
		s.holidays = true
		if d.Yearly {
			s.yearly[int(t.Month())*100+t.Day()] = true
		} else {
			s.dates[t.Year()*10000+int(t.Month())*100+t.Day()] = true
		}
	}
	return s, nil
}

// parseClock reads "HH:MM" as minutes after midnight; "24:00" only as an end.
func parseClock(v string, end bool) (int, error) {
	hh, mm, ok := strings.Cut(v, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || len(hh) != 2 || len(mm) != 2 || err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 ||
		h > 24 || (h == 24 && (m != 0 || !end)) {
		return 0, Errorf(EINVALID, "time must be HH:MM (00:00 to 24:00), not %q", v)
	}
	return h*60 + m, nil
}

// Location is the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// maxIdleDays bounds the search for working time: a schedule whose holidays
// leave no working day within a year has none.
const maxIdleDays = 370

// interval is a stretch of working time [start, end).
type interval struct{ start, end time.Time }

// day returns the working intervals within the local calendar day d, in order
// and without overlaps: its own periods up to midnight, the tails of the
// previous day's periods that run past midnight, nothing on a holiday.
func (s *Schedule) day(d civil) []interval {
	if s.holiday(d) {
		return nil
	}
	midnight := s.at(d, 0)
	next := s.at(d, 24*60)
	if s.always {
		return []interval{{midnight, next}}
	}
	var out []interval
	prev := d.AddDate(0, 0, -1)
	for _, p := range s.periods[prev.Weekday()] {
		if p.end > 24*60 {
			out = append(out, interval{midnight, s.at(prev, p.end)})
		}
	}
	for _, p := range s.periods[d.Weekday()] {
		out = append(out, interval{s.at(d, p.start), s.at(d, min(p.end, 24*60))})
	}
	slices.SortFunc(out, func(a, b interval) int { return a.start.Compare(b.start) })
	merged := out[:0]
	for _, iv := range out {
		if !iv.end.After(iv.start) {
			continue // a period that a clock change swallowed
		}
		if n := len(merged); n > 0 && !iv.start.After(merged[n-1].end) {
			if iv.end.After(merged[n-1].end) {
				merged[n-1].end = iv.end
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// at is the instant of minute m after the midnight that starts local day d
// (m may pass a day). Wall-clock times, so a clock change inside the day
// moves the instants, not the periods.
func (s *Schedule) at(d civil, m int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, s.loc)
}

func (s *Schedule) holiday(d civil) bool {
	if !s.holidays {
		return false
	}
	md := int(d.Month())*100 + d.Day()
	return s.dates[d.Year()*10000+md] || s.yearly[md]
}

// dayOf is the local calendar day of t.
func (s *Schedule) dayOf(t time.Time) civil {
	y, m, d := t.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Add returns the instant at which d of working time has passed after t: t
// itself for d ≤ 0 (even outside working time), otherwise the moment the
// last of d is worked, which is the end of a period when d ends there. The
// zero time means never: the schedule has no working time left.
func (s *Schedule) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if s.always && !s.holidays {
		return t.Add(d)
	}
	idle := 0
	for day := s.dayOf(t); idle < maxIdleDays; day = day.AddDate(0, 0, 1) {
		ivs := s.day(day)
		if len(ivs) == 0 {
			idle++
			continue
		}
		idle = 0
		for _, iv := range ivs {
			if !iv.end.After(t) {
				continue
			}
			from := iv.start
			if t.After(from) {
				from = t
			}
			if avail := iv.end.Sub(from); d <= avail {
				return from.Add(d)
			} else {
				d -= avail
			}
		}
	}
	return time.Time{}
}

// Between returns the working time from a to b (0 when b is not after a).
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if s.always && !s.holidays {
		return b.Sub(a)
	}
	var sum time.Duration
	last := s.dayOf(b)
	for day := s.dayOf(a); !day.After(last); day = day.AddDate(0, 0, 1) {
		for _, iv := range s.day(day) {
			from, to := iv.start, iv.end
			if a.After(from) {
				from = a
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

// Open reports whether t is within working time.
func (s *Schedule) Open(t time.Time) bool {
	for _, iv := range s.day(s.dayOf(t)) {
		if !t.Before(iv.start) && t.Before(iv.end) {
			return true
		}
	}
	return false
}

// String shows a period as the API writes it.
func (p Period) String() string { return fmt.Sprintf("%d %s–%s", p.Weekday, p.Start, p.End) }
