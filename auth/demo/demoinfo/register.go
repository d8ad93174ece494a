package demoinfo

import (
	"errors"
	"sync"
)

// Server is a running demo server, as the faces hold it.
type Server interface {
	Issuer() string
	Close() error
}

// ErrNotBuiltIn is Start's answer in a build of Latchkey without the demo
// server (go build -tags nodemo, used to measure what the demo costs).
var ErrNotBuiltIn = errors.New("this build of Latchkey has no demo provider")

var registry struct {
	mu    sync.Mutex
	start func(dir string) (Server, error)
}

// Register makes start the way Start runs a demo server. auth/demo calls
// it from its init, so the faces reach the server (and its OpenID Connect
// library) only in a build that links auth/demo: main does, unless built
// with -tags nodemo.
func Register(start func(dir string) (Server, error)) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.start = start
}

// Start starts the demo server for dir ("" the default folder): a typed
// *AlreadyRunningError when one runs already, ErrNotBuiltIn when this
// build has none.
func Start(dir string) (Server, error) {
	registry.mu.Lock()
	start := registry.start
	registry.mu.Unlock()
	if start == nil {
		return nil, ErrNotBuiltIn
	}
	return start(dir)
}
