package ui

import (
	"fmt"
	"time"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// formatTime shows t to the minute in the time zone loc.
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return lang.L("Unknown")
	}
	return t.In(loc).Format(lang.X("time.layout", "2 Jan 2006, 15:04"))
}

// expiryText is when a's token expires, with a countdown from now; can
// says whether tokens of a's provider expire at all.
func expiryText(a *auth.Account, can auth.Capabilities, now time.Time, loc *time.Location) string {
	exp := a.Token.Expiry
	if exp.IsZero() {
		if !can.Expires {
			return lang.X("expiry.never", "Never ({{.Protocol}} tokens do not expire)", map[string]any{"Protocol": can.Protocol})
		}
		return lang.L("Not said by the provider")
	}
	left := exp.Sub(now)
	if left > 0 {
		return lang.X("expiry.in", "{{.Time}} · in {{.Left}}", map[string]any{"Time": formatTime(exp, loc), "Left": liveCountdown(left)})
	}
	return lang.X("expiry.ago", "{{.Time}} · {{.Ago}} ago", map[string]any{"Time": formatTime(exp, loc), "Ago": liveCountdown(-left)})
}

// secondsWithin is how near the expiry the live countdown shows seconds.
const secondsWithin = 10 * time.Minute

// liveCountdown is countdown for the expiry line the window keeps up to
// date: seconds only within secondsWithin of the expiry, where they
// matter; farther away whole minutes ("42m"), so the line, and with it
// the whole window (Fyne repaints the canvas for any change), changes
// once a minute instead of once a second while the window sits idle.
func liveCountdown(d time.Duration) string {
	if d < secondsWithin || d >= time.Hour {
		return countdown(d)
	}
	return lang.X("countdown.m", "{{.M}}m", map[string]any{"M": int(d.Minutes())})
}

// countdown renders a duration the way a person reads a timer: seconds
// under a minute, minutes and seconds under an hour, hours and minutes
// under two days, then days.
func countdown(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return lang.X("countdown.s", "{{.S}}s", map[string]any{"S": int(d.Seconds())})
	case d < time.Hour:
		return lang.X("countdown.ms", "{{.M}}m {{.S}}s", map[string]any{"M": int(d.Minutes()), "S": fmt.Sprintf("%02d", int(d.Seconds())%60)})
	case d < 48*time.Hour:
		return lang.X("countdown.hm", "{{.H}}h {{.M}}m", map[string]any{"H": int(d.Hours()), "M": fmt.Sprintf("%02d", int(d.Minutes())%60)})
	}
	return lang.X("countdown.days", "{{.D}} days", map[string]any{"D": int(d.Hours() / 24)})
}
