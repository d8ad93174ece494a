package keychain_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"latchkey/auth"
	"latchkey/auth/keychain"
)

// These tests run go-keyring against private D-Bus sessions in a child process (this test
// binary re-executed as TestHelperProcess): godbus keeps one session-bus connection per
// process, so the address cannot change within this one.

const (
	secretsName     = "org.freedesktop.secrets"
	loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	helperEnv       = "LATCHKEY_KEYCHAIN_HELPER"
)

// helperResult is what TestHelperProcess reports on stdout, after helperMarker.
type helperResult struct {
	GetKind  int    `json:"get_kind"`
	GetMsg   string `json:"get_msg"`
	SaveKind int    `json:"save_kind"`
	SaveMsg  string `json:"save_msg"`
	BulkKind int    `json:"bulk_kind"` // Store.Snapshot, then Load
	BulkMsg  string `json:"bulk_msg"`
	Millis   int64  `json:"millis"`
}

const helperMarker = "HELPER-RESULT "

// TestHelperProcess is not a test: TestNoSecretService and TestLockedKeychain run this binary
// with -test.run=^TestHelperProcess$ and $LATCHKEY_KEYCHAIN_HELPER=1 to call the real
// go-keyring on the session bus in $DBUS_SESSION_BUS_ADDRESS.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process: runs only when re-executed by TestNoSecretService or TestLockedKeychain")
	}
	start := time.Now()
	k := keychain.System(3 * time.Second)
	_, gerr := k.Get("latchkey-helper", "probe")
	serr := keychain.New(k, "latchkey-helper").Save("work", record(5000, "helper"))
	_, berr := keychain.New(k, "latchkey-helper").Snapshot().Load("work")
	res := helperResult{GetKind: int(kindOf(gerr)), SaveKind: int(kindOf(serr)), BulkKind: int(kindOf(berr)), Millis: time.Since(start).Milliseconds()}
	// The messages are the words a person reads on the command line: the
	// facts of Error and the remedy auth.Describe adds.
	if gerr != nil {
		res.GetMsg = auth.Describe(gerr, auth.CLI)
	}
	if serr != nil {
		res.SaveMsg = auth.Describe(serr, auth.CLI)
	}
	if berr != nil {
		res.BulkMsg = auth.Describe(berr, auth.CLI)
	}
	b, _ := json.Marshal(res)
	fmt.Println(helperMarker + string(b))
}

// needTool returns the path of a program the test needs, or skips the test (fails it under
// CI=true or LATCHKEY_REQUIRE_KEYRING=1) when it is not installed.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		why := fmt.Sprintf("%s not found: install package %s to run this test", name, pkg)
		if os.Getenv("CI") == "true" || os.Getenv("LATCHKEY_REQUIRE_KEYRING") == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	return path
}

// startBus runs a private dbus-daemon whose configuration has no service directories, so no
// name (org.freedesktop.secrets, the gnome-keyring prompter) can be auto-activated. It
// returns the bus address; the daemon is stopped at cleanup.
func startBus(t *testing.T) string {
	t.Helper()
	daemon := needTool(t, "dbus-daemon", "dbus")
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--print-address=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		addr <- strings.TrimSpace(line)
	}()
	select {
	case a := <-addr:
		if a == "" {
			t.Fatalf("dbus-daemon printed no address; it said: %s", stderr.String())
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatalf("dbus-daemon printed no address within 10s; it said: %s", stderr.String())
		return ""
	}
}

// runHelper runs TestHelperProcess against the bus at addr and returns its result.
func runHelper(t *testing.T, addr string) helperResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	env := []string{helperEnv + "=1", "DBUS_SESSION_BUS_ADDRESS=" + addr}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, helperEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if rest, ok := strings.CutPrefix(line, helperMarker); ok {
			var res helperResult
			if err := json.Unmarshal([]byte(rest), &res); err != nil {
				t.Fatalf("helper result %q: %v", rest, err)
			}
			t.Logf("helper: get: %v (%s); save: %v (%s); bulk load: %v (%s); %dms",
				keychain.Kind(res.GetKind), res.GetMsg, keychain.Kind(res.SaveKind), res.SaveMsg,
				keychain.Kind(res.BulkKind), res.BulkMsg, res.Millis)
			return res
		}
	}
	t.Fatalf("helper process printed no result:\n%s", out)
	return helperResult{}
}

func TestNoSecretService(t *testing.T) {
	t.Parallel()
	res := runHelper(t, startBus(t))
	for _, c := range []struct {
		op   string
		kind int
		msg  string
	}{{"Get", res.GetKind, res.GetMsg}, {"Save", res.SaveKind, res.SaveMsg}, {"Snapshot Load", res.BulkKind, res.BulkMsg}} {
		if keychain.Kind(c.kind) != keychain.NoSecretService {
			t.Errorf("%s on a bus without a Secret Service: kind %v (%s), want %v", c.op, keychain.Kind(c.kind), c.msg, keychain.NoSecretService)
		}
		for _, want := range []string{"no Secret Service is running", "org.freedesktop.secrets", "Install and start gnome-keyring or KeePassXC", "try again"} {
			if !strings.Contains(c.msg, want) {
				t.Errorf("%s message %q lacks %q", c.op, c.msg, want)
			}
		}
		if strings.Contains(c.msg, secretMarker) {
			t.Errorf("%s message holds the record: %q", c.op, c.msg)
		}
	}
}

// waitForOwner waits until name has an owner on conn, by NameOwnerChanged (no polling, and no
// call to the name itself, which could activate it). exited reports the owner's process dying.
func waitForOwner(t *testing.T, conn *dbus.Conn, name string, exited <-chan error) {
	t.Helper()
	if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, name)); err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(20 * time.Second)
	for !has {
		select {
		case s := <-signals:
			if len(s.Body) == 3 && s.Body[0] == name && s.Body[2] != "" {
				has = true
			}
		case err := <-exited:
			t.Fatalf("gnome-keyring-daemon exited before owning %s: %v", name, err)
		case <-timeout:
			t.Fatalf("%s has no owner after 20s", name)
		}
	}
}

func TestLockedKeychain(t *testing.T) {
	t.Parallel()
	gk := needTool(t, "gnome-keyring-daemon", "gnome-keyring")
	addr := startBus(t)

	// A gnome-keyring with a fresh login keyring, unlocked by the password on stdin...
	dir := t.TempDir()
	cmd := exec.Command(gk, "--foreground", "--unlock", "--components=secrets")
	cmd.Stdin = strings.NewReader("test-password")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr,
		"HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_RUNTIME_DIR="+filepath.Join(dir, "run"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	if err := os.Mkdir(filepath.Join(dir, "run"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting gnome-keyring-daemon: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connecting to the private bus: %v", err)
	}
	defer conn.Close()
	waitForOwner(t, conn, secretsName, exited)

	// ...then locked. Unlocking needs a prompt, and the bus has no prompter to show one.
	service := conn.Object(secretsName, "/org/freedesktop/secrets")
	var lockedPaths []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := service.Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{loginCollection}).Store(&lockedPaths, &prompt); err != nil {
		t.Fatalf("locking the login collection: %v\n%s", err, logs.String())
	}
	v, err := conn.Object(secretsName, loginCollection).GetProperty("org.freedesktop.Secret.Collection.Locked")
	if err != nil || v.Value() != true {
		t.Fatalf("login collection Locked = %v, %v after Lock; want true", v, err)
	}

	res := runHelper(t, addr)
	for _, c := range []struct {
		op   string
		kind int
		msg  string
	}{{"Get", res.GetKind, res.GetMsg}, {"Save", res.SaveKind, res.SaveMsg}, {"Snapshot Load", res.BulkKind, res.BulkMsg}} {
		switch keychain.Kind(c.kind) {
		case keychain.Locked:
			if !strings.Contains(c.msg, "the keychain is locked") || !strings.Contains(c.msg, "unlock it") {
				t.Errorf("%s message %q does not say the keychain is locked and to unlock it", c.op, c.msg)
			}
		case keychain.Timeout:
			if !strings.Contains(c.msg, "unlock prompt") {
				t.Errorf("%s message %q does not mention the unlock prompt", c.op, c.msg)
			}
		default:
			t.Errorf("%s on a locked keychain: kind %v (%s), want locked or timeout", c.op, keychain.Kind(c.kind), c.msg)
		}
		if strings.Contains(c.msg, secretMarker) {
			t.Errorf("%s message holds the record: %q", c.op, c.msg)
		}
	}
}
