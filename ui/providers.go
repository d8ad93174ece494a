package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
		return badge{"Checking the keychain…", theme.NewDisabledResource(theme.HistoryIcon())}
	}
	if st.Err != nil {
		return badge{keychainTitle(st.Err), theme.NewErrorThemedResource(theme.WarningIcon())}
	}
	switch st.State {
	case auth.StateNone:
		return badge{"Not signed in", theme.NewDisabledResource(theme.AccountIcon())}
	case auth.StateValid:
		return badge{"Signed in as " + userOf(st), theme.NewSuccessThemedResource(theme.ConfirmIcon())}
	case auth.StateExpired:
		return badge{"Expired: sign in again", theme.NewWarningThemedResource(theme.HistoryIcon())}
	}
	words := stateWords(st.State)
	if st.Account != nil {
		return badge{"Signed in as " + userOf(st) + " · " + words, theme.NewWarningThemedResource(theme.InfoIcon())}
	}
	return badge{capitalize(words), theme.NewWarningThemedResource(theme.InfoIcon())}
}

// stateNames has the words for the states of a signed-in account beyond
// valid and expired. A state added later and missing here reads as its
// name (see stateWords).
var stateNames = map[auth.State]string{
	auth.StateExpiring:       "expires soon",
	auth.StateRefreshable:    "renewed when used",
	auth.StateNeedsSignIn:    "sign in again",
	auth.StateDemoNotRunning: "demo provider not running",
}

// keychainTitle names a failure to read an account in a few words.
func keychainTitle(err error) string {
	var ke *keychain.Error
	if !errors.As(err, &ke) {
		return "Cannot read the account"
	}
	switch ke.Kind {
	case keychain.Locked, keychain.Timeout:
		return "Keychain locked"
	case keychain.NoSecretService, keychain.NoSessionBus:
		return "No keychain"
	case keychain.Corrupt:
		return "Keychain record damaged"
	default:
		return "Keychain error"
	}
}

// userOf is the signed-in person's short name.
func userOf(st auth.Status) string {
	if st.Account == nil {
		return ""
	}
	return st.Account.Profile.Display()
}

// stateWords says a state in a few words: from stateNames, else its name
// with spaces ("some_state" → "some state").
func stateWords(s auth.State) string {
	if w, ok := stateNames[s]; ok {
		return w
	}
	if s == "" {
		return "unknown state"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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

// providerRow shows a provider's name and protocol over its badge. Names
// and badges are cut with an ellipsis when the column is narrow.
type providerRow struct {
	widget.BaseWidget
	name, state *widget.Label
	protocol    *widget.RichText
	icon        *widget.Icon
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
	r.state.SetText(b.text)
	r.icon.SetResource(b.icon)
}

// CreateRenderer lays the row out as two tight lines.
func (r *providerRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, nil, r.protocol, r.name)
	bottom := container.NewBorder(nil, nil, container.NewCenter(r.icon), nil, r.state)
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), top, bottom))
}
