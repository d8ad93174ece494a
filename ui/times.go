package ui

import (
	"fmt"
	"time"

	"latchkey/auth"
)

// formatTime shows t to the minute in the time zone loc.
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "Unknown"
	}
	return t.In(loc).Format("2 Jan 2006, 15:04")
}

// expiryText is when a's token expires, with a countdown from now; can
// says whether tokens of a's provider expire at all.
func expiryText(a *auth.Account, can auth.Capabilities, now time.Time, loc *time.Location) string {
	exp := a.Token.Expiry
	if exp.IsZero() {
		if !can.Expires {
			return "Never (" + can.Protocol + " tokens do not expire)"
		}
		return "Not said by the provider"
	}
	left := exp.Sub(now)
	if left > 0 {
		return formatTime(exp, loc) + " · in " + countdown(left)
	}
	return formatTime(exp, loc) + " · " + countdown(-left) + " ago"
}

// countdown renders a duration the way a person reads a timer: seconds
// under a minute, minutes and seconds under an hour, hours and minutes
// under two days, then days.
func countdown(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
