package ui

import (
	"errors"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/keychain"
)

// badge is how one provider's status reads: a coloured icon and a few
// words, in the list and at the top of the detail panel.
type badge struct {
	text string
	icon fyne.Resource
}

// badgeFor returns the badge of st. loaded is false until the keychain has
// been read. States this version does not know (a newer auth may add some)
// read as their name, with a warning icon, so they still say something.
func badgeFor(st auth.Status, loaded bool) badge {
	if !loaded {
		return badge{lang.L("Checking the keychain…"), theme.NewDisabledResource(theme.HistoryIcon())}
	}
	if st.Err != nil {
		return badge{keychainTitle(st.Err), theme.NewErrorThemedResource(theme.WarningIcon())}
	}
	switch st.State {
	case auth.StateNone:
		return badge{lang.L("Not signed in"), theme.NewDisabledResource(theme.AccountIcon())}
	case auth.StateValid:
		return badge{lang.X("badge.signedin", "Signed in as {{.User}}", map[string]any{"User": userOf(st)}), theme.NewSuccessThemedResource(theme.ConfirmIcon())}
	case auth.StateExpired:
		return badge{lang.L("Expired: sign in again"), theme.NewWarningThemedResource(theme.HistoryIcon())}
	}
	words := stateWords(st.State)
	if st.Account != nil {
		return badge{lang.X("badge.signedin.state", "Signed in as {{.User}} · {{.State}}", map[string]any{"User": userOf(st), "State": words}), theme.NewWarningThemedResource(theme.InfoIcon())}
	}
	return badge{capitalize(words), theme.NewWarningThemedResource(theme.InfoIcon())}
}

// stateName has the words for the states of a signed-in account beyond
// valid and expired, in the language chosen at start (a function, not a
// table: the words are looked up when drawn). A state added later and
// missing here reads as its name (see stateWords).
func stateName(s auth.State) (string, bool) {
	switch s {
	case auth.StateExpiring:
		return lang.L("expires soon"), true
	case auth.StateRefreshable:
		return lang.L("renewed when used"), true
	case auth.StateNeedsSignIn:
		return lang.L("sign in again"), true
	case auth.StateDemoNotRunning:
		return lang.L("demo provider not running"), true
	}
	return "", false
}

// keychainTitle names a failure to read an account in a few words.
func keychainTitle(err error) string {
	var ke *keychain.Error
	if !errors.As(err, &ke) {
		return lang.L("Cannot read the account")
	}
	switch ke.Kind {
	case keychain.Locked, keychain.Timeout:
		return lang.L("Keychain locked")
	case keychain.NoSecretService, keychain.NoSessionBus:
		return lang.L("No keychain")
	case keychain.Corrupt:
		return lang.L("Keychain record damaged")
	default:
		return lang.L("Keychain error")
	}
}

// userOf is the signed-in person's short name.
func userOf(st auth.Status) string {
	if st.Account == nil {
		return ""
	}
	return st.Account.Profile.Display()
}

// stateWords says a state in a few words: from stateName, else its name
// with spaces ("some_state" → "some state").
func stateWords(s auth.State) string {
	if w, ok := stateName(s); ok {
		return w
	}
	if s == "" {
		return lang.L("unknown state")
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

// capitalize upper-cases s's first letter (a whole rune: Hangul has no
// case and stays as it is).
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// providerList is the left-hand list: one row per configured provider.
func (w *window) providerList() *list {
	l := newList(
		func() int { return len(w.status) },
		func() fyne.CanvasObject { return newProviderRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*providerRow).set(w.status[i], w.loaded)
		},
	)
	l.follow = true            // Up and Down move the selection
	l.onEnter = w.openSelected // Enter: into the panel
	l.OnSelected = func(i widget.ListItemID) {
		w.selected = i
		w.showDetail(i)
		w.fetchQueued()
	}
	return l
}

// providerRow shows a provider's name and protocol over its badge. The
// list is wide enough for the names in full, up to maxNameWidth; a longer
// name is cut with an ellipsis, but never before the first character in
// which it differs from another name (listWidth), and reads in full at the
// top of the detail panel. Badges are cut with an ellipsis when the column
// is narrow; the panel says them in full.
type providerRow struct {
	widget.BaseWidget
	name, state *widget.Label
	protocol    *widget.RichText
	icon        *widget.Icon
	top         *fyne.Container // name and protocol; nil until rendered
}

func newProviderRow() *providerRow {
	r := &providerRow{
		name:     &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		protocol: widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText, Inline: true}}),
		state:    &widget.Label{SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
		icon:     widget.NewIcon(nil),
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *providerRow) set(st auth.Status, loaded bool) {
	b := badgeFor(st, loaded)
	r.name.SetText(st.Provider.DisplayName())
	r.protocol.Segments[0].(*widget.TextSegment).Text = demoBadge(st.Can) + st.Can.Protocol
	r.protocol.Refresh()
	if r.top != nil {
		r.top.Refresh() // lays the line out again: the protocol's width changed with its text
	}
	r.state.SetText(b.text)
	r.icon.SetResource(b.icon)
}

// CreateRenderer lays the row out as two tight lines.
func (r *providerRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, nil, r.protocol, r.name)
	r.top = top
	bottom := container.NewBorder(nil, nil, container.NewCenter(r.icon), nil, r.state)
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), top, bottom))
}

// maxNameWidth is the widest a name is drawn in the list before it is cut
// (unless more is needed to tell two names apart).
const maxNameWidth = 240

// listWidth is the narrowest the provider list may be, so that no row's
// name runs into its protocol and no two names read the same: each name
// in full (up to maxNameWidth), and at least up to the first character in
// which it differs from the nearest other name, beside its protocol.
func listWidth(sts []auth.Status) float32 {
	inner := theme.InnerPadding()
	bold := fyne.TextStyle{Bold: true}
	nameWidth := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), bold).Width }
	names := make([]string, len(sts))
	width := float32(0)
	for i, st := range sts {
		names[i] = st.Provider.DisplayName()
		protocol := fyne.MeasureText(demoBadge(st.Can)+st.Can.Protocol, theme.CaptionTextSize(), fyne.TextStyle{}).Width
		name := fyne.Min(nameWidth(names[i]), maxNameWidth)
		width = fyne.Max(width, name+protocol+4*inner+theme.Padding())
	}
	// Names that share a long beginning: the cut must come after it. The
	// longest shared beginning of any two is that of two neighbours in
	// sorted order.
	sort.Strings(names)
	for i := 1; i < len(names); i++ {
		a, b := []rune(names[i-1]), []rune(names[i])
		n := 0
		for n < len(a) && n < len(b) && a[n] == b[n] {
			n++
		}
		if n == len(a) || n == len(b) {
			continue // one is the other's beginning: in full up to the cap
		}
		for _, r := range [][]rune{a, b} {
			need := nameWidth(string(r[:n+1])+"…") + 1
			if need > maxNameWidth { // beyond the cap: the row makes room
				width = fyne.Max(width, need+2*inner+theme.Padding()+maxProtocolWidth(sts)+2*inner)
			}
		}
	}
	return float32(math.Ceil(float64(width)))
}

// maxProtocolWidth is the width of the widest protocol label.
func maxProtocolWidth(sts []auth.Status) float32 {
	w := float32(0)
	for _, st := range sts {
		w = fyne.Max(w, fyne.MeasureText(demoBadge(st.Can)+st.Can.Protocol, theme.CaptionTextSize(), fyne.TextStyle{}).Width)
	}
	return w
}

// minWidth gives its one object at least width.
type minWidth struct{ width float32 }

func (l *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
