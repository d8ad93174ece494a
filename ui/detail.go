package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// panelActions is all the detail panel may ask of the window: the
// handlers behind its buttons, each given the index of the provider shown,
// and the read-only things it shows. The panel holds nothing else of the
// window.
type panelActions struct {
	signIn     func(i int)                    // Sign in, Sign in again
	signInCode func(i int)                    // Sign in with a code (RFC 8628)
	copy       func(i int, k auth.Credential) // a Copy button
	refresh    func(i int)                    // Refresh
	signOut    func(i int)                    // Sign out (the window asks first)
	startDemo  func(i int)                    // Start the demo (ui/demo.go)
	reload     func()                         // Try again: read the keychain again
	edit       func(i int)                    // Edit: the provider's form
	duplicate  func(i int)                    // Duplicate: a second entry of the provider
	remove     func(i int)                    // Remove (the window asks first)
	now        func() time.Time               // the countdown's clock
	location   *time.Location                 // times are shown in it
	// avatar is the person's picture, or their initials until it has come.
	avatar func(auth.Profile) fyne.CanvasObject
	// request is the "Try a request" cards (card_request.go).
	request *requests
}

// panelView is what the panel shows of a provider besides its status.
type panelView struct {
	loaded     bool // the keychain has been read
	refreshing bool // the provider's Refresh is running
}

// detail is the right-hand panel: the selected provider, its account and
// token, and what can be done with them. show rebuilds it from a status;
// the window calls its methods (show, tick, flash, setAvatar,
// setSigningOut) and touches none of its widgets.
type detail struct {
	act    panelActions
	scroll *container.Scroll
	box    *fyne.Container
	index  int // the provider shown; -1 before the first

	// The current content's cards; nil when not shown.
	heading *widget.Label
	person  *personCard
	token   *tokenCard
	idToken *idTokenCard
	actions *accountActions
}

func newDetail(act panelActions) *detail {
	d := &detail{act: act, index: -1, box: container.NewStack()}
	d.scroll = container.NewVScroll(container.NewPadded(container.New(&columnLayout{max: 760}, d.box)))
	return d
}

// object is the panel, to place in the window.
func (d *detail) object() fyne.CanvasObject { return d.scroll }

// show rebuilds the panel for provider i, whose status is st. The
// secrets stay revealed while the same provider is shown.
func (d *detail) show(i int, st auth.Status, v panelView) {
	revealed := d.token != nil && d.token.revealed && i == d.index
	if i != d.index {
		d.scroll.ScrollToTop()
	}
	d.index = i
	d.person, d.token, d.idToken, d.actions = nil, nil, nil, nil

	p := st.Provider
	b := badgeFor(st, v.loaded)
	if v.loaded && st.Err == nil && st.Account != nil {
		b.text = stateText(st)
	}
	d.heading = &widget.Label{Text: p.DisplayName(), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Wrapping: fyne.TextWrapWord} // in full: the list may cut it
	protocol := quiet(lang.X("detail.protocolid", "{{.Protocol}} · id {{.ID}}", map[string]any{"Protocol": st.Can.Protocol, "ID": p.ID}))
	var manage fyne.CanvasObject
	if v.loaded {
		manage = container.NewVBox(newManageActions(i, d.act)) // at the top when the state wraps
	}
	state := container.NewBorder(nil, nil, widget.NewIcon(b.icon), manage, &widget.Label{Text: b.text, Wrapping: fyne.TextWrapWord}) // in full: it says what to do

	var body []fyne.CanvasObject
	var actions fyne.CanvasObject
	switch {
	case !v.loaded:
		body = []fyne.CanvasObject{quiet(lang.L("Reading your accounts from the keychain…"))}
	case st.State == auth.StateDemoNotRunning:
		body = []fyne.CanvasObject{newDemoCard(i, st, d.act)}
	case st.Err != nil:
		body = []fyne.CanvasObject{newProblemCard(st, d.act)}
	case st.Account == nil:
		body = []fyne.CanvasObject{newSignInCard(i, st, d.act)}
	default:
		d.person = newPersonCard(st, d.act)
		d.token = newTokenCard(i, st, d.act, v.refreshing, revealed)
		d.actions = newAccountActions(i, st, d.act)
		body = []fyne.CanvasObject{d.person.object, d.token.object}
		if st.Can.Claims && st.Account.Credential(auth.CredIDToken) != "" {
			d.idToken = newIDTokenCard(i, st, d.act)
			body = append(body, d.idToken.object)
		}
		if c := d.act.request.card(i, st, d.revealed); c != nil {
			body = append(body, c)
		}
		actions = d.actions.object
	}
	if st.Can.Demo {
		body = append([]fyne.CanvasObject{demoNote()}, body...)
	}
	// The name on a line of its own, wrapped: the list may cut a long one.
	header := tight(d.heading, container.NewBorder(nil, nil, nil, actions, protocol))
	d.box.Objects = []fyne.CanvasObject{container.NewVBox(append([]fyne.CanvasObject{header, state}, body...)...)}
	d.box.Refresh()
}

// tick moves the countdown on to now.
func (d *detail) tick(now time.Time) {
	if d.token != nil {
		d.token.tick(now)
	}
}

// flash shows msg under the button that copies k: Copy id_token has its
// own line, in the id_token's card; the other buttons share the token
// card's. It returns what hides msg again, or nil when no such line shows.
func (d *detail) flash(k auth.Credential, msg string) (hide func()) {
	var label *widget.Label
	switch {
	case k == auth.CredIDToken && d.idToken != nil:
		label = d.idToken.flash
	case d.token != nil:
		label = d.token.flash
	default:
		return nil
	}
	label.SetText(msg)
	label.Show()
	return label.Hide
}

// setAvatar shows res, the picture at url, when it is the one the panel
// waits for.
func (d *detail) setAvatar(url string, res fyne.Resource) {
	if d.person != nil {
		d.person.setPicture(url, res)
	}
}

// setSigningOut disables Sign out while a sign-out runs, and enables it
// again when it failed.
func (d *detail) setSigningOut(busy bool) {
	if d.actions != nil {
		d.actions.setSigningOut(busy)
	}
}

// stateText is a signed-in account's state in a sentence: what it means
// and what to do (docs/TOKENS.md).
func stateText(st auth.Status) string {
	switch st.State {
	case auth.StateValid:
		return lang.L("Signed in · the token is valid")
	case auth.StateExpiring:
		return lang.L("Signed in · the token expires soon and cannot be renewed: sign in again")
	case auth.StateExpired:
		return lang.L("The token has expired: sign in again to get a new one")
	case auth.StateRefreshable:
		return lang.X("state.refreshable", "Signed in · the token is renewed when used, or press {{.Button}}", map[string]any{"Button": lang.L("Refresh")})
	case auth.StateNeedsSignIn:
		return lang.X("state.needssignin", "{{.Provider}} no longer accepts the token: sign in again", map[string]any{"Provider": st.Provider.DisplayName()})
	}
	return lang.X("state.other", "Signed in · {{.State}}", map[string]any{"State": stateWords(st.State)})
}
