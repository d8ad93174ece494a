package keychain

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

func TestClassify(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: "/tmp/nonexist", Net: "unix"},
		Err: os.NewSyscallError("connect", syscall.ENOENT)}
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"go-keyring not found", keyring.ErrNotFound, NotFound},
		{"wrapped not found", fmt.Errorf("get: %w", keyring.ErrNotFound), NotFound},
		{"go-keyring too big", keyring.ErrSetDataTooBig, TooBig},
		{"no secret service (godbus value)", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown",
			Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}, NoSecretService},
		{"no secret service (godbus pointer)", dbus.NewError("org.freedesktop.DBus.Error.ServiceUnknown", nil), NoSecretService},
		{"no secret service (text only)", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), NoSecretService},
		{"locked, no prompter", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"), Locked},
		{"locked (Secret Service error)", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked", Body: []any{"Cannot create an item in a locked collection"}}, Locked},
		{"item deleted between search and read", dbus.Error{Name: "org.freedesktop.DBus.Error.UnknownMethod",
			Body: []any{"Object does not exist at path “/org/freedesktop/secrets/collection/login/179”"}}, NotFound},
		{"collection missing", dbus.Error{Name: "org.freedesktop.DBus.Error.UnknownMethod",
			Body: []any{"Object does not exist at path “/org/freedesktop/secrets/aliases/default”"}}, Other},
		{"no reply", dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, Timeout},
		{"dead bus socket", dialErr, NoSessionBus},
		{"no bus address", errors.New("dbus: couldn't determine address of session bus"), NoSessionBus},
		{"our error keeps its kind", &Error{Kind: Corrupt}, Corrupt},
		{"anything else", errors.New("exit status 44"), Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
			w := wrap("save", "work", tt.err)
			var ke *Error
			if !errors.As(w, &ke) || ke.Kind != tt.want || ke.Op != "save" || ke.ID != "work" {
				t.Errorf("wrap gave %#v, want Kind %v, Op save, ID work", w, tt.want)
			}
		})
	}
}

// TestErrorMessages: each kind states what failed, for which account and
// why. What to do about it is auth.Describe's, per face: auth's
// TestDescribeKeychain asserts those words for every kind.
func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  *Error
		want []string
	}{
		{&Error{Kind: NotFound, Op: "load", ID: "work"}, []string{`load account "work"`, "not in the keychain"}},
		{&Error{Kind: NoSessionBus, Op: "get"}, []string{"no keychain", "session bus"}},
		{&Error{Kind: NoSecretService, Op: "save", ID: "work"},
			[]string{"no keychain: no Secret Service is running on the session bus (org.freedesktop.secrets)"}},
		{&Error{Kind: Locked, Op: "load", ID: "work"}, []string{"the keychain is locked"}},
		{&Error{Kind: Timeout, Op: "load", ID: "work", Err: timeoutError{after: 5 * time.Second}},
			[]string{"the keychain did not answer within 5s — it may be waiting for an unlock prompt"}},
		{&Error{Kind: TooBig, Op: "save", ID: "work"}, []string{"too big"}},
		{&Error{Kind: Corrupt, Op: "load", ID: "work", Err: errors.New("chunk 2 of 3 is missing")}, []string{"damaged", "chunk 2 of 3 is missing"}},
		{&Error{Kind: InvalidID, Op: "save", Err: errors.New("it is empty")}, []string{"account id", "it is empty"}},
		{&Error{Kind: Other, Op: "list", Err: errors.New("exit status 44")}, []string{"exit status 44"}},
	}
	for _, tt := range tests {
		t.Run(tt.err.Kind.String(), func(t *testing.T) {
			msg := tt.err.Error()
			if !strings.HasPrefix(msg, "keychain: ") {
				t.Errorf("message %q does not start with \"keychain: \"", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	err := fmt.Errorf("loading: %w", &Error{Kind: NotFound, Op: "load", ID: "work", Err: keyring.ErrNotFound})
	if !errors.Is(err, ErrNotFound) {
		t.Error("errors.Is(NotFound error, ErrNotFound) = false")
	}
	if !errors.Is(err, keyring.ErrNotFound) {
		t.Error("errors.Is(err, keyring.ErrNotFound) = false: Unwrap lost the cause")
	}
	if errors.Is(&Error{Kind: Locked}, ErrNotFound) {
		t.Error("a Locked error matches ErrNotFound")
	}
	if !errors.Is(&Error{Kind: Locked, Op: "save"}, &Error{Kind: Locked}) {
		t.Error("errors.Is does not match by Kind")
	}
	if s := Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}
