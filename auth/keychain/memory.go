package keychain

import "sync"

// memory is an in-process Keyring: a map guarded by a mutex.
type memory struct {
	mu    sync.Mutex
	items map[[2]string]string
}

// Memory returns an empty in-memory Keyring for tests of code that takes a Keyring. It is
// safe for concurrent use and each value is independent (unlike go-keyring's MockInit, which
// replaces a process-wide provider). Missing items give an *Error of kind NotFound.
func Memory() Keyring {
	return &memory{items: make(map[[2]string]string)}
}

func (m *memory) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[[2]string{service, user}]
	if !ok {
		return "", &Error{Kind: NotFound, Op: "get"}
	}
	return v, nil
}

func (m *memory) Set(service, user, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[[2]string{service, user}] = secret
	return nil
}

func (m *memory) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{service, user}
	if _, ok := m.items[k]; !ok {
		return &Error{Kind: NotFound, Op: "delete"}
	}
	delete(m.items, k)
	return nil
}

// GetAll returns every item under service (BulkReader).
func (m *memory) GetAll(service string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for k, v := range m.items {
		if k[0] == service {
			out[k[1]] = v
		}
	}
	return out, nil
}
