// Package demoinfo is what the rest of Latchkey knows about the built-in
// demo provider without linking its server (auth/demo, built on zitadel):
// the demo's fixed names, the runtime file a running server writes, and
// Running, which reads it back while the server's lock is held. auth fills
// a demo entry of providers.toml (demo = "oidc" | "oauth1") from it.
//
// The runtime file holds the OAuth 1.0a demo's consumer secret: a
// throwaway value made fresh at each start, valid only against that one
// server on 127.0.0.1 while it runs, in a file of mode 0600 removed when
// the server stops. It protects nothing but the demo's own fake account.
package demoinfo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The demo's fixed names.
const (
	// ClientID is the OpenID Connect demo's public client for the browser
	// and device sign-ins.
	ClientID = "latchkey-demo"
	// DeviceClientID is the public client for the device sign-in only.
	DeviceClientID = "latchkey-demo-device"
	// OIDCProviderID and OIDCProviderName are the OpenID Connect demo's
	// [[provider]] entry.
	OIDCProviderID   = "demo-oidc"
	OIDCProviderName = "Demo (on this computer)"
	// OAuth1ProviderID and OAuth1ProviderName are the OAuth 1.0a demo's.
	OAuth1ProviderID   = "demo-oauth1"
	OAuth1ProviderName = "Demo OAuth 1.0a (on this computer)"
	// KindOIDC and KindOAuth1 are the values of an entry's demo field.
	KindOIDC   = "oidc"
	KindOAuth1 = "oauth1"
	// RuntimeFile is the name of the file, in the server's directory,
	// that says where it listens.
	RuntimeFile = "demo-server.json"
	// LockFile is the name of the lock file that keeps one server per user.
	LockFile = "demo-server.lock"
	// OAuth1Path is where the OAuth 1.0a demo's endpoints are served:
	// <issuer>/oauth1/request_token, …/authorize, …/access_token, …/profile.
	OAuth1Path = "/oauth1/"
)

// Scopes are the OpenID Connect demo's scopes.
var Scopes = []string{"openid", "profile", "email", "offline_access"}

// Info is what the runtime file says about a running server.
type Info struct {
	Version        int    `json:"v"`
	Issuer         string `json:"issuer"` // http://127.0.0.1:<port>
	ClientID       string `json:"client_id"`
	DeviceClientID string `json:"device_client_id"`
	// OAuth1ConsumerKey and OAuth1ConsumerSecret are the OAuth 1.0a demo's
	// client credentials, fresh at each start: a throwaway secret (see the
	// package comment).
	OAuth1ConsumerKey    string    `json:"oauth1_consumer_key"`
	OAuth1ConsumerSecret string    `json:"oauth1_consumer_secret"`
	PID                  int       `json:"pid"`
	StartedAt            time.Time `json:"started_at"`
}

// Version is the runtime file's format.
const Version = 2

// OAuth1URL is the URL of the OAuth 1.0a demo's endpoint name
// ("request_token", "authorize", "access_token", "profile").
func (i Info) OAuth1URL(name string) string { return i.Issuer + OAuth1Path + name }

// ErrNotRunning is Running's answer when no demo server runs for dir.
var ErrNotRunning = errors.New("the Latchkey demo sign-in server is not running")

// AlreadyRunningError is the answer to starting a demo server while this
// user's is already running (its lock is held by this or another process).
type AlreadyRunningError struct {
	Dir    string
	Issuer string // where the running one listens, when its file says so
}

func (e *AlreadyRunningError) Error() string {
	at := ""
	if e.Issuer != "" {
		at = " at " + e.Issuer
	}
	return "the Latchkey demo sign-in server is already running for this user" + at
}

// DefaultDir is where the lock and runtime file live unless a directory is
// given: os.UserCacheDir()/latchkey/demo.
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user cache folder for the demo server's files (%v); set XDG_CACHE_HOME or HOME", err)
	}
	return filepath.Join(base, "latchkey", "demo"), nil
}

// Dir is dir, or DefaultDir() when dir is "".
func Dir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	return DefaultDir()
}

// Running returns the Info of the demo server running for dir ("" means
// DefaultDir()): the one whose lock is held. It returns ErrNotRunning when
// none runs (a runtime file left by a crash is ignored).
func Running(dir string) (Info, error) {
	dir, err := Dir(dir)
	if err != nil {
		return Info{}, err
	}
	if _, err := os.Stat(filepath.Join(dir, RuntimeFile)); errors.Is(err, os.ErrNotExist) {
		return Info{}, ErrNotRunning
	}
	unlock, busy, err := TryLock(filepath.Join(dir, LockFile))
	if err != nil {
		return Info{}, err
	}
	if !busy {
		unlock()
		return Info{}, ErrNotRunning
	}
	return ReadInfo(dir)
}

// WriteInfo writes info as dir's runtime file, mode 0600, atomically.
func WriteInfo(dir string, info Info) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, RuntimeFile)
	tmp, err := os.CreateTemp(dir, RuntimeFile+".*")
	if err != nil {
		return fmt.Errorf("cannot write the demo server's file in %s: %v", dir, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(append(data, '\n'))
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot write the demo server's file %s: %v", path, err)
	}
	return nil
}

// ReadInfo reads dir's runtime file, whether or not its server still runs.
func ReadInfo(dir string) (Info, error) {
	path := filepath.Join(dir, RuntimeFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, ErrNotRunning
	}
	if err != nil {
		return Info{}, fmt.Errorf("cannot read the demo server's file %s: %v", path, err)
	}
	var info Info
	if err := json.Unmarshal(data, &info); err != nil || info.Version != Version || !demoIssuer(info.Issuer) || info.ClientID == "" || info.OAuth1ConsumerKey == "" {
		return Info{}, fmt.Errorf("the demo server's file %s is damaged or from another Latchkey version; stop the demo that runs and start it again", path)
	}
	return info, nil
}

// demoIssuer reports whether iss is what a demo server's issuer looks
// like: http://127.0.0.1:<port> and nothing more.
func demoIssuer(iss string) bool {
	u, err := url.Parse(iss)
	if err != nil || u.Scheme != "http" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return false
	}
	host, port, err := net.SplitHostPort(u.Host)
	return err == nil && host == "127.0.0.1" && port != "" && strings.Trim(port, "0123456789") == ""
}
