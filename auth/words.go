package auth

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"latchkey/assets/lang"
	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/keychain"
	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
	"latchkey/loopback"
)

// This file is the one place where Latchkey says what a person should do
// about an error. The lower packages (loopback, auth/oauth1, auth/keychain)
// and the face-specific errors of this one (SignInError,
// UnknownProviderError) state facts; Describe adds the remedy for the face
// that asks. Remedies that read the same on every face (a providers.toml
// field to check, "sign in again") are written here too, and the Error
// methods of ProviderError and ResponseError call them.

// Face names who is asking Describe for words: a window never tells a
// person to run a command, the command line never mentions a button.
type Face int

// The faces.
const (
	Window Face = iota // the Fyne window (and later the tray, notifications)
	CLI                // the latchkey command
)

// Describe turns any error from this package's callers into the words a
// person reads in face f: what happened, where, and what to do there. A
// cancelled sign-in says nothing (""), as the person asked for it.
//
// The facts are err's own message, wrappers included; the first error in
// its chain that Describe knows gets its remedy right after its own words
// (or, where its message names a command or a button, words of its own).
func Describe(err error, f Face) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return ""
	}
	msg := err.Error()
	for _, say := range sayers() {
		if found, words, ok := say(err, f); ok {
			return replaceFacts(msg, found.Error(), words)
		}
	}
	return msg
}

// A sayer finds the error it knows in err's chain and returns it with the
// words that replace its message in face f.
type sayer func(err error, f Face) (found error, words string, ok bool)

// sayers are tried in order; the first that knows an error in the chain
// speaks.
func sayers() []sayer {
	return []sayer{
		saySignIn,
		sayDemo,
		sayUnknownProvider,
		sayDeviceUnsupported,
		sayDeviceOnly,
		sayRecord,
		sayClientSecret,
		sayEdit,
		sayRevoke,
		sayKeychain,
		sayLoopback,
		sayOAuth1,
		sayRequest,
		sayNet,
	}
}

// replaceFacts puts words where facts stand in msg; auth/oauth1's messages
// appear in the flow's words without their "oauth1: " prefix.
func replaceFacts(msg, facts, words string) string {
	for _, strip := range []string{"", "oauth1: "} {
		fa, wo := strings.TrimPrefix(facts, strip), strings.TrimPrefix(words, strip)
		if i := strings.Index(msg, fa); i >= 0 && fa != "" {
			return msg[:i] + wo + msg[i+len(fa):]
		}
	}
	if rest, ok := strings.CutPrefix(words, facts); ok {
		return msg + rest
	}
	return words
}

// UnrevokedNote says what signing out of p leaves valid at the provider,
// for face f, when p cannot revoke tokens (CapabilitiesOf(p).Revocable is
// false: no revoke_url for OAuth 2.0, RFC 7009; OAuth 1.0a, RFC 5849, has
// no standard revocation): a's access token stays valid there until it
// expires, or, with no expiry known, until the person removes Latchkey's
// access in their account settings at the provider. It is "" when p can
// revoke (Logout asks it to) or a is nil. The words name neither a button
// nor a command, so both faces show them as they are.
func UnrevokedNote(p *provider.Provider, a *Account, f Face) string {
	if a == nil || CapabilitiesOf(p).Revocable {
		return ""
	}
	name := p.DisplayName()
	if e := a.Token.Expiry; !e.IsZero() {
		return lang.X("auth.unrevoked.expiry", "Signing out does not end the access token at {{.Provider}}: it stays valid there until it expires ({{.Expiry}}).",
			map[string]any{"Provider": name, "Expiry": e.Local().Format(lang.X("auth.layout.datetime", "2 Jan 2006 15:04"))})
	}
	return lang.X("auth.unrevoked.noexpiry", "Signing out does not end the access token at {{.Provider}}, and it has no expiry: it stays valid there until you remove Latchkey's access in your account settings at {{.Provider}}.",
		map[string]any{"Provider": name})
}

// press is the window's remedy that names a button ("; press Sign in").
func press(button string) string {
	return lang.X("auth.press", "; press {{.Button}}", map[string]any{"Button": button})
}

// replaceAccount is the remedy for an account record that cannot be read.
func replaceAccount(f Face, id string) string {
	return pick(f,
		lang.X("auth.replace.cli", "; run `latchkey logout {{.ID}}` and `latchkey login {{.ID}}` to replace it", map[string]any{"ID": id}),
		lang.X("auth.replace.window", "; sign out of this account and sign in again to replace it"))
}

// pick returns cli for the command line and window for the window.
func pick(f Face, cli, window string) string {
	if f == CLI {
		return cli
	}
	return window
}

func saySignIn(err error, f Face) (error, string, bool) {
	var e *SignInError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	button := lang.L("Sign in again")
	if errors.Is(e.Err, ErrNotSignedIn) {
		button = lang.L("Sign in")
	}
	return e, e.Error() + pick(f, lang.X("auth.login.cli", "; run `latchkey login {{.ID}}`", map[string]any{"ID": e.ID}), press(button)), true
}

// sayDemo words the demo server's two states a person can meet: not
// running (a demo entry used), already running (a second start).
func sayDemo(err error, f Face) (error, string, bool) {
	var off *DemoNotRunningError
	if errors.As(err, &off) {
		return off, pick(f,
			off.Error()+lang.X("auth.demo.off.cli", "; run `latchkey demo` in another terminal, then try again"),
			lang.X("auth.demo.off.window", "the demo provider is not running: press {{.Button}}", map[string]any{"Button": lang.L("Start the demo")})), true
	}
	var on *demoinfo.AlreadyRunningError
	if errors.As(err, &on) {
		return on, on.Error() + pick(f,
			lang.X("auth.demo.on.cli", "; use that one (sign in to it with `latchkey login {{.ID}}`), or stop it first to start it here", map[string]any{"ID": demoinfo.OIDCProviderID}),
			lang.X("auth.demo.on.window", "; sign in to it as usual: Latchkey uses that one while it runs")), true
	}
	return nil, "", false
}

func sayUnknownProvider(err error, f Face) (error, string, bool) {
	var e *UnknownProviderError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	add := lang.X("auth.unknown.add", "add a [[provider]] entry to it (see docs/CONFIG.md)")
	if len(e.Known) > 0 {
		add = lang.X("auth.unknown.known", "use one of those ids, or {{.Add}}", map[string]any{"Add": add})
	}
	return e, e.Error() + pick(f,
		lang.X("auth.unknown.cli", "; {{.Add}}; `latchkey providers` lists what is configured", map[string]any{"Add": add}),
		lang.X("auth.unknown.window", "; {{.Add}} (or press {{.Button}})", map[string]any{"Add": add, "Button": lang.L("Add provider")})), true
}

func sayDeviceUnsupported(err error, f Face) (error, string, bool) {
	var e *DeviceUnsupportedError
	if !errors.As(err, &e) || f == CLI { // its message names the command already
		return nil, "", false
	}
	if e.Protocol == provider.OAuth1 {
		return e, lang.X("auth.device.oauth1", "{{.Provider}} uses OAuth 1.0a, which has no device sign-in (sign-in with a code); press {{.Button}} to sign in in the browser instead",
			map[string]any{"Provider": e.Name, "Button": lang.L("Sign in")}), true
	}
	where := lang.X("auth.device.where", "its [[provider]] entry in {{.Config}} has no device_authorization_url", map[string]any{"Config": e.Config})
	if e.Protocol == provider.OIDC {
		where = lang.X("auth.device.where.oidc", "its [[provider]] entry in {{.Config}} has no device_authorization_url and its discovery document advertises no device_authorization_endpoint", map[string]any{"Config": e.Config})
	}
	return e, lang.X("auth.device.unsupported", "{{.Provider}} does not offer device sign-in (sign-in with a code): {{.Where}}. If the provider has an RFC 8628 device authorization endpoint, add device_authorization_url = \"https://…\" to that entry; otherwise press {{.Button}} to sign in in the browser",
		map[string]any{"Provider": e.Name, "Where": where, "Button": lang.L("Sign in")}), true
}

func sayDeviceOnly(err error, f Face) (error, string, bool) {
	var e *DeviceOnlyError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	return e, e.Error() + pick(f, lang.X("auth.login.device.cli", "; run `latchkey login {{.ID}} --device`", map[string]any{"ID": e.ID}), press(lang.L("Sign in with a code"))), true
}

func sayRecord(err error, f Face) (error, string, bool) {
	var e *RecordError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	if e.Newer {
		return e, e.Error() + lang.X("auth.record.newer", "; update Latchkey to read it"), true
	}
	return e, e.Error() + replaceAccount(f, e.ID), true
}

func sayClientSecret(err error, f Face) (error, string, bool) {
	var e *ClientSecretError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	return e, e.Error() + pick(f,
		lang.X("auth.secret.cli", "; run `latchkey providers secret {{.ID}}` and paste it, or put it in providers.toml as client_secret", map[string]any{"ID": e.ID}),
		lang.X("auth.secret.window", "; put it in providers.toml as client_secret (and remove client_secret_in_keychain), or give it again with {{.Button}}", map[string]any{"Button": lang.L("Edit")})), true
}

// editChoices are the parts of provider.EditError messages that name the
// command line's way of choosing another config file, with the window's
// words for the same advice.
func editChoices() []struct{ cli, window string } {
	saveAgain := lang.X("auth.edit.saveagain", ", then save again")
	return []struct{ cli, window string }{
		{", or choose another file with --config or " + provider.EnvConfig, saveAgain},
		{"choose a file elsewhere with --config or " + provider.EnvConfig, lang.X("auth.edit.elsewhere", "keep providers.toml on a disk you can write to, and start Latchkey with that file")},
		{" or choose another path with --config or " + provider.EnvConfig, saveAgain},
	}
}

// sayEdit gives a change to providers.toml that was not made the window's
// words where its message names --config or LATCHKEY_CONFIG: the window
// chooses no config file.
func sayEdit(err error, f Face) (error, string, bool) {
	var e *provider.EditError
	if !errors.As(err, &e) || f == CLI { // its message is the command line's already
		return nil, "", false
	}
	msg := e.Message
	for _, c := range editChoices() {
		msg = strings.ReplaceAll(msg, c.cli, c.window)
	}
	msg = strings.ReplaceAll(msg, " with --config or "+provider.EnvConfig, lang.X("auth.edit.atstart", " when Latchkey starts"))
	return e, e.Path + ": " + msg, true
}

func sayRevoke(err error, f Face) (error, string, bool) {
	var e *RevokeError
	if !errors.As(err, &e) {
		return nil, "", false
	}
	words := e.Error() + lang.X("auth.revoke.sooner", "; to end it sooner, remove Latchkey's access in your account settings at {{.Provider}}", map[string]any{"Provider": e.Provider})
	if e.Err != nil { // the provider's answer, in its own words
		words = replaceFacts(words, e.Err.Error(), Describe(e.Err, f))
	}
	return e, words, true
}

func sayKeychain(err error, f Face) (error, string, bool) {
	var e *keychain.Error
	if !errors.As(err, &e) {
		return nil, "", false
	}
	facts := e.Error()
	var remedy string
	switch e.Kind {
	case keychain.NotFound:
		if e.ID == "" {
			return nil, "", false
		}
		remedy = pick(f,
			lang.X("auth.keychain.notfound.cli", ": sign in to this account first (`latchkey login {{.ID}}`)", map[string]any{"ID": e.ID}),
			lang.X("auth.keychain.notfound.window", ": sign in to this account first (press {{.Button}})", map[string]any{"Button": lang.L("Sign in")}))
	case keychain.NoSessionBus:
		var bus *keychain.BusAddressError
		switch {
		case f == Window:
			// The cause may spell out a shell command: the window states the fact only.
			facts = (&keychain.Error{Kind: e.Kind, Op: e.Op, ID: e.ID}).Error()
			remedy = lang.X("auth.keychain.nobus.window", ". Start Latchkey from a desktop session with a Secret Service such as gnome-keyring running, then try again")
		case errors.As(e.Err, &bus):
			remedy = lang.X("auth.keychain.nobus.export", ". Run `export DBUS_SESSION_BUS_ADDRESS=unix:path={{.Socket}}` and try again, or start a session with `dbus-run-session -- latchkey …` and a Secret Service such as gnome-keyring in it", map[string]any{"Socket": bus.Socket})
		default:
			remedy = lang.X("auth.keychain.nobus.cli", ". Run latchkey from a desktop session, or start one with `dbus-run-session -- latchkey …` and a Secret Service such as gnome-keyring in it, then try again")
		}
	case keychain.NoSecretService:
		remedy = lang.X("auth.keychain.noservice", ". Install and start gnome-keyring or KeePassXC with Secret Service enabled, then try again")
	case keychain.Locked:
		remedy = pick(f,
			lang.X("auth.keychain.locked.cli", ": unlock it (e.g. log in to the desktop or run `gnome-keyring-daemon --unlock`) and try again"),
			lang.X("auth.keychain.locked.window", ": unlock it (e.g. log in to the desktop or open Passwords and Keys) and try again"))
	case keychain.Timeout:
		remedy = lang.X("auth.keychain.timeout", "; unlock it and try again")
	case keychain.TooBig:
		remedy = lang.X("auth.keychain.toobig", "; this is a bug in latchkey, please report it")
	case keychain.Corrupt:
		if e.ID == "" {
			remedy = lang.X("auth.keychain.corrupt", "; sign in to your accounts again to rebuild it")
		} else {
			remedy = replaceAccount(f, e.ID)
		}
	case keychain.InvalidID:
		remedy = lang.X("auth.keychain.invalidid", "; give the provider another id in providers.toml")
	default:
		remedy = lang.X("auth.keychain.other", "; check that your keychain works (e.g. open Passwords and Keys) and try again")
	}
	return e, facts + remedy, true
}

func sayLoopback(err error, f Face) (error, string, bool) {
	var inUse *loopback.PortInUseError
	if errors.As(err, &inUse) {
		return inUse, inUse.Error() + lang.X("auth.loopback.inuse", "; close it or change redirect_uri in providers.toml"), true
	}
	var bad *loopback.RedirectURIError
	if errors.As(err, &bad) {
		return bad, bad.Error() + lang.X("auth.loopback.redirect", "; change redirect_uri in providers.toml"), true
	}
	return nil, "", false
}

func sayOAuth1(err error, f Face) (error, string, bool) {
	var (
		ep  *oauth1.EndpointError
		cb  *oauth1.CallbackError
		sig *oauth1.SignatureError
		cfg *oauth1.SetupError
		key *oauth1.KeyFileError
	)
	switch {
	case errors.As(err, &ep):
		return ep, ep.Error() + "; " + endpointRemedy(ep), true
	case errors.As(err, &cb):
		if cb.Denied() {
			return cb, cb.Error() + "; " + allowAccess(), true
		}
		return cb, cb.Error() + "; " + startAgain(), true
	case errors.As(err, &sig):
		if sig.Method == oauth1.RSASHA1 {
			return sig, sig.Error() + "; " + checkRSAKey(), true
		}
		return sig, sig.Error() + lang.X("auth.oauth1.method", "; check signature_method in providers.toml"), true
	case errors.As(err, &cfg):
		return cfg, cfg.Error() + lang.X("auth.oauth1.setup", "; check this provider's entry in providers.toml"), true
	case errors.As(err, &key):
		return key, key.Error() + "; " + checkRSAKey(), true
	}
	for _, s := range []struct {
		err    error
		remedy string
	}{
		{oauth1.ErrCallbackNotConfirmed, lang.X("auth.oauth1.notconfirmed", ", which Latchkey requires; check request_token_url in providers.toml")},
		{oauth1.ErrTokenMismatch, "; " + startAgain()},
		{oauth1.ErrMissingVerifier, lang.X("auth.oauth1.noverifier", "; start the sign-in again (for callback = \"oob\", paste the code the provider shows)")},
		{oauth1.ErrAccessDenied, "; " + allowAccess()},
	} {
		if errors.Is(err, s.err) {
			return s.err, s.err.Error() + s.remedy, true
		}
	}
	return nil, "", false
}

// Remedies several errors share.
func allowAccess() string {
	return lang.X("auth.do.allow", "sign in again and allow access if you want to continue")
}
func startAgain() string  { return lang.X("auth.do.restart", "start the sign-in again") }
func checkRSAKey() string { return lang.X("auth.do.rsakey", "check rsa_key_file in providers.toml") }
func providerTrouble() string {
	return lang.X("auth.do.trouble", "the provider is having trouble; try again later")
}

// endpointRemedy says what to do about an OAuth 1.0a token endpoint's
// answer that is not a token.
func endpointRemedy(e *oauth1.EndpointError) string {
	field := "request_token_url"
	if e.Endpoint == oauth1.AccessTokenEndpoint {
		field = "access_token_url"
	}
	switch e.Problem {
	case "signature_invalid", "signature_method_rejected", "consumer_key_unknown", "consumer_key_rejected", "consumer_key_refused":
		return lang.X("auth.oauth1.checkall", "check client_id, client_secret, signature_method and rsa_key_file in providers.toml")
	case "timestamp_refused":
		return lang.X("auth.oauth1.clock", "check that this computer's clock is right")
	case "nonce_used":
		return lang.X("auth.do.again", "try again")
	case "token_used", "token_expired", "token_revoked", "token_rejected", "permission_denied", "user_refused":
		return startAgain()
	}
	switch {
	case e.Status >= 500:
		return providerTrouble()
	case e.Status == 401 || e.Status == 403:
		return lang.X("auth.oauth1.checkclient", "check client_id, client_secret and signature_method in providers.toml")
	}
	return lang.X("auth.oauth1.checkfield", "check {{.Field}} in providers.toml", map[string]any{"Field": field})
}

// sayNet is the last resort: a request error no flow turned into a
// *ResponseError still reads as plain words, never as Go's.
func sayNet(err error, f Face) (error, string, bool) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return nil, "", false
	}
	e := noAnswer(lang.X("auth.net.provider", "the provider"), "", ue.URL, netFailure(ue))
	return ue, lang.X("auth.net.request", "the request to {{.URL}} {{.Problem}}; {{.Remedy}}", map[string]any{"URL": e.URL, "Problem": e.Problem, "Remedy": e.remedy()}), true
}

// remedy says what to do about a ProviderError, by its RFC 6749 code; ""
// when the provider's own words are all there is.
func (e *ProviderError) remedy() string {
	switch e.Code {
	case "access_denied":
		return allowAccess()
	case "invalid_client", "unauthorized_client":
		return lang.X("auth.provider.client", "check client_id, client_secret and token_endpoint_auth in providers.toml")
	case "invalid_scope":
		return lang.X("auth.provider.scope", "check scopes in providers.toml")
	case "invalid_grant":
		return lang.X("auth.do.signinagain", "sign in again")
	}
	return ""
}

// remedy says what to do about a ResponseError: about the address or the
// network when no answer came, else by its status.
func (e *ResponseError) remedy() string {
	switch e.Net {
	case NetUnreachable:
		return lang.X("auth.net.unreachable", "check the address in providers.toml and this computer's network connection")
	case NetTimeout:
		return lang.X("auth.net.timeout", "check this computer's network connection, or try again later if the provider is slow")
	case NetUntrusted:
		return lang.X("auth.net.untrusted", "check the address in providers.toml; on a network that inspects encrypted traffic, this computer must trust its certificate authority")
	case NetBroken:
		return lang.X("auth.net.broken", "try again; if it keeps failing, check the address in providers.toml and the network connection")
	}
	if e.Status >= 500 {
		return lang.X("auth.response.trouble", "the provider is having trouble, try again later")
	}
	return lang.X("auth.response.urls", "check the endpoint URLs in providers.toml")
}
