package config

import (
	"regexp"
	"time"
)

// KeyWaivers holds the stack's waivers of policy-pack findings.
const KeyWaivers = Namespace + ":waivers"

// WaiverDate is the layout of a waiver's expiry date.
const WaiverDate = "2006-01-02"

// Waiver accepts the findings of one rule on one resource of the stack, for a stated reason, until a date. The
// policy pack reports a waived finding as waived, and reports the waiver itself once it has expired: a waiver is
// a decision to revisit, not a permanent exception.
type Waiver struct {
	// Rule is the rule's ID (PC006).
	Rule string `json:"rule"`
	// Resource is the logical name of the resource (prod-postgres), or "*" for every resource of the stack.
	Resource string `json:"resource"`
	// Reason says why the finding is accepted, for the reader of the stack file and of the plan.
	Reason string `json:"reason"`
	// Expires is the last day the waiver holds (YYYY-MM-DD, UTC).
	Expires string `json:"expires"`
}

// ExpiresAt is the first instant at which the waiver no longer holds (the day after Expires); ok is false when
// Expires is not a date.
func (w Waiver) ExpiresAt() (time.Time, bool) {
	d, err := time.Parse(WaiverDate, w.Expires)
	if err != nil {
		return time.Time{}, false
	}
	return d.AddDate(0, 0, 1), true
}

var ruleIDPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{3}$`)

func validateWaivers(p *problems, key keyPath, ws []Waiver) {
	for i, w := range ws {
		at := key.Index(i)
		if !ruleIDPattern.MatchString(w.Rule) {
			p.bad(at.Field("rule"), w.Rule, "is not a rule ID: two letters and three digits (PC006); `platform rules` lists them")
		}
		if w.Resource == "" {
			p.missing(at.Field("resource"), `the logical name of the waived resource, or "*"`)
		}
		if len(w.Reason) < 10 {
			p.bad(at.Field("reason"), w.Reason, "is too short: say why the finding is accepted (10 characters at least)")
		}
		if _, ok := w.ExpiresAt(); !ok {
			p.bad(at.Field("expires"), w.Expires, "is not a date: YYYY-MM-DD, the last day the waiver holds")
		}
	}
}
