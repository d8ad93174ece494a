package keychain

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Kind says what went wrong with the keychain, so callers can react without matching text.
type Kind int

// The kinds of keychain failure. Other is the zero value.
const (
	// Other is any failure not listed below; Error.Err says more.
	Other Kind = iota
	// NotFound: no record for the account (or no item for a Keyring call).
	NotFound
	// NoSessionBus: there is no D-Bus session bus to reach the Secret Service through.
	NoSessionBus
	// NoSecretService: the session bus has no org.freedesktop.secrets (no gnome-keyring, KeePassXC…).
	NoSecretService
	// Locked: the keychain is locked and could not be unlocked without a person.
	Locked
	// Timeout: the keychain did not answer in time (often: waiting for an unlock prompt).
	Timeout
	// TooBig: the record, or one item, is over a size limit.
	TooBig
	// Corrupt: the stored record is damaged (bad manifest, missing chunk, checksum mismatch).
	Corrupt
	// InvalidID: the account id cannot be used as a key (empty, contains '/', control characters, too long).
	InvalidID
)

var kindNames = [...]string{
	Other:           "other",
	NotFound:        "not found",
	NoSessionBus:    "no session bus",
	NoSecretService: "no Secret Service",
	Locked:          "locked",
	Timeout:         "timeout",
	TooBig:          "too big",
	Corrupt:         "corrupt",
	InvalidID:       "invalid id",
}

// String returns a short lower-case name for the kind, e.g. "no Secret Service".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is the one error type of this package: every error returned by Store and by the
// Keyring values made here is an *Error. Use errors.As to read Kind, or errors.Is with
// ErrNotFound (or any &Error{Kind: k}) to test the kind.
//
// Error never holds record contents: Err carries the keychain's own message or a description
// of the damage (which chunk, which check), never the bytes.
type Error struct {
	Kind Kind
	// Op is what was being done: "load", "save", "delete", "list" (Store) or
	// "get", "set", "delete" (Keyring).
	Op string
	// ID is the account id, or "" when the error is not about one account.
	ID string
	// Err is the underlying error, if any (a go-keyring, godbus or decoding error).
	Err error
}

// ErrNotFound matches (errors.Is) every *Error of kind NotFound, e.g. Store.Load of an account
// that was never saved.
var ErrNotFound error = &Error{Kind: NotFound}

// Error returns one line: what failed, for which account, and why. It
// states the facts only: what the person can do about it depends on where
// they read it (a command on the command line, a button in the window), so
// it is said by the application (auth.Describe), by Kind.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("keychain")
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
		if e.ID != "" {
			fmt.Fprintf(&b, " account %q", e.ID)
		}
	} else if e.ID != "" {
		fmt.Fprintf(&b, ": account %q", e.ID)
	}
	b.WriteString(": ")
	b.WriteString(e.fact())
	return b.String()
}

// fact is the human part of Error: what went wrong, for each kind.
func (e *Error) fact() string {
	detail := ""
	if e.Err != nil {
		detail = " (" + e.Err.Error() + ")"
	}
	switch e.Kind {
	case NotFound:
		if e.ID != "" {
			return "not in the keychain"
		}
		return "not in the keychain" + detail
	case NoSessionBus:
		return "no keychain: cannot reach a D-Bus session bus" + detail
	case NoSecretService:
		// The cause (ServiceUnknown, "not provided by any .service files") adds nothing here.
		return "no keychain: no Secret Service is running on the session bus (org.freedesktop.secrets)"
	case Locked:
		// The cause ("failed to unlock correct collection …") adds nothing here.
		return "the keychain is locked"
	case Timeout:
		what := "the keychain did not answer in time" + detail
		var te timeoutError
		if errors.As(e.Err, &te) {
			what = "the keychain did not answer within " + te.after.String()
			if te.earlier {
				what += " (an earlier request to it is still waiting)"
			}
		}
		return what + " — it may be waiting for an unlock prompt"
	case TooBig:
		return "the record is too big for the keychain" + detail
	case Corrupt:
		if e.ID == "" { // the account index
			return "the stored list of accounts is damaged" + detail
		}
		return "the stored record is damaged" + detail
	case InvalidID:
		return "the account id cannot be used as a keychain key" + detail
	default:
		return "the keychain failed" + detail
	}
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same Kind, so errors.Is(err, ErrNotFound)
// and errors.Is(err, &Error{Kind: Locked}) work whatever Op and ID are.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// timeoutError is the Err of a Timeout *Error: it says how long we waited.
type timeoutError struct {
	after time.Duration
	// earlier is true when the call was not started because an earlier, abandoned call
	// was still running after the whole timeout.
	earlier bool
}

func (t timeoutError) Error() string {
	if t.earlier {
		return fmt.Sprintf("an earlier keychain call is still waiting after %v", t.after)
	}
	return fmt.Sprintf("no answer within %v", t.after)
}

// Timeout reports true, as net.Error does for timeouts.
func (t timeoutError) Timeout() bool { return true }

// wrap turns any error from a Keyring into an *Error for op and id. An *Error keeps its Kind
// (and its Err, so messages do not nest); anything else is classified.
func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	var ke *Error
	if errors.As(err, &ke) {
		inner := ke.Err
		if inner == nil && ke.Kind == Other {
			inner = err
		}
		return &Error{Kind: ke.Kind, Op: op, ID: id, Err: inner}
	}
	return &Error{Kind: classify(err), Op: op, ID: id, Err: err}
}

// D-Bus error names we map. See the Secret Service API, "Errors", and dbus-daemon's errors.
const (
	dbusServiceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown"
	dbusNameHasNoOwner = "org.freedesktop.DBus.Error.NameHasNoOwner"
	dbusNoReply        = "org.freedesktop.DBus.Error.NoReply"
	dbusTimeout        = "org.freedesktop.DBus.Error.Timeout"
	dbusTimedOut       = "org.freedesktop.DBus.Error.TimedOut"
	dbusNoServer       = "org.freedesktop.DBus.Error.NoServer"
	dbusUnknownMethod  = "org.freedesktop.DBus.Error.UnknownMethod"
	dbusUnknownObject  = "org.freedesktop.DBus.Error.UnknownObject"
	secretIsLocked     = "org.freedesktop.Secret.Error.IsLocked"
	secretNoSuchObject = "org.freedesktop.Secret.Error.NoSuchObject"
)

// itemPath matches a Secret Service item's object path (a collection's child).
var itemPath = regexp.MustCompile(`/org/freedesktop/secrets/collection/[^/“”"']+/[^/“”"']+`)

// classify maps go-keyring and godbus errors (as seen on Linux with gnome-keyring and
// dbus-daemon 1.14) to a Kind.
func classify(err error) Kind {
	var ke *Error
	switch {
	case err == nil:
		return Other
	case errors.As(err, &ke):
		return ke.Kind
	case errors.Is(err, keyring.ErrNotFound):
		return NotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return TooBig
	}
	name := ""
	var de dbus.Error
	var dep *dbus.Error
	if errors.As(err, &de) {
		name = de.Name
	} else if errors.As(err, &dep) {
		name = dep.Name
	}
	switch name {
	case dbusServiceUnknown, dbusNameHasNoOwner:
		return NoSecretService
	case secretIsLocked:
		return Locked
	case dbusNoReply, dbusTimeout, dbusTimedOut:
		return Timeout
	case dbusNoServer:
		return NoSessionBus
	case secretNoSuchObject:
		return NotFound
	case dbusUnknownMethod, dbusUnknownObject:
		// gnome-keyring: "Object does not exist at path “…/collection/login/179”" when an item
		// found by go-keyring's search is deleted before its secret is read.
		if itemPath.MatchString(err.Error()) {
			return NotFound
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "was not provided by any .service files"):
		return NoSecretService
	case strings.Contains(msg, "failed to unlock correct collection"):
		return Locked
	case strings.Contains(msg, "couldn't determine address of session bus"),
		strings.HasPrefix(msg, "dial unix"), strings.Contains(msg, "dbus: authentication failed"):
		return NoSessionBus
	}
	return Other
}
