// Package demolink links the built-in demo provider's server (auth/demo,
// and its OpenID Connect library) into the binary that imports it: main
// does. Built with -tags nodemo it links nothing, so `make bench` can
// measure what the demo costs a window that never uses it.
package demolink
