package beseda

// SLA report (rule T6, README): how fast the team answered and resolved, in
// working time with paused periods left out, and the share of dialogs that
// met every target, over the report's dialogs that have an SLA — in total,
// per manager (each participant counts the dialog), per type and per day of
// creation.

// SLAStats sum up the SLA of a group of dialogs.
type SLAStats struct {
	// ID is the manager's or type's id; Key their name, or the day
	// (YYYY-MM-DD in the report's time zone). Both empty for the totals.
	ID  int64  `json:"id,omitempty"`
	Key string `json:"key,omitempty"`
	// Dialogs have an SLA; Attained of them missed no target so far.
	Dialogs  int `json:"dialogs"`
	Attained int `json:"attained"`
	// Attainment is Attained / Dialogs, null without dialogs.
	Attainment *float64 `json:"attainment"`
	// The averages cover the dialogs with a first response, and the
	// completed ones; null when there are none.
	FirstResponses          int      `json:"first_responses"`
	FirstResponseAvgSeconds *float64 `json:"first_response_avg_seconds"`
	Resolutions             int      `json:"resolutions"`
	ResolutionAvgSeconds    *float64 `json:"resolution_avg_seconds"`
}

// SLASums are what the store adds up for one group.
type SLASums struct {
	Dialogs, Attained, FirstResponses, Resolutions int64
	FirstResponseMS, ResolutionMS                  int64
}

// Stats turns the sums into the report's figures.
func (s SLASums) Stats(id int64, key string) SLAStats {
	out := SLAStats{ID: id, Key: key, Dialogs: int(s.Dialogs), Attained: int(s.Attained),
		FirstResponses: int(s.FirstResponses), Resolutions: int(s.Resolutions)}
	ratio := func(a, b int64, scale float64) *float64 {
		if b == 0 {
			return nil
		}
		v := float64(a) / float64(b) / scale
		return &v
	}
	out.Attainment = ratio(s.Attained, s.Dialogs, 1)
	out.FirstResponseAvgSeconds = ratio(s.FirstResponseMS, s.FirstResponses, 1000)
	out.ResolutionAvgSeconds = ratio(s.ResolutionMS, s.Resolutions, 1000)
	return out
}

// SLAReport is the SLA part of the dialogs report.
type SLAReport struct {
	Totals    SLAStats   `json:"totals"`
	ByManager []SLAStats `json:"by_manager"`
	ByType    []SLAStats `json:"by_type"`
	PerDay    []SLAStats `json:"per_day"`
}

// Add sums two groups.
func (s SLASums) Add(o SLASums) SLASums {
	return SLASums{Dialogs: s.Dialogs + o.Dialogs, Attained: s.Attained + o.Attained, FirstResponses: s.FirstResponses + o.FirstResponses,
		Resolutions: s.Resolutions + o.Resolutions, FirstResponseMS: s.FirstResponseMS + o.FirstResponseMS,
		ResolutionMS: s.ResolutionMS + o.ResolutionMS}
}
