//go:build !unix

package instance

import (
	"context"
	"sync"
)

// Instance is a claim that nothing else checks (see the package
// documentation): every launch opens its own window here.
type Instance struct {
	done chan struct{}
	once sync.Once
}

// Claim always succeeds here: no socket, no lock.
func Claim(context.Context, string) (*Instance, error) {
	return &Instance{done: make(chan struct{})}, nil
}

// Serve receives nothing; it returns at Close.
func (in *Instance) Serve(func(msg string)) { <-in.done }

// Close ends Serve.
func (in *Instance) Close() error {
	in.once.Do(func() { close(in.done) })
	return nil
}
