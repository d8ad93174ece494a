//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keychain

// GetAll is not possible through go-keyring here (macOS Keychain, Windows Credential
// Manager): Store.Snapshot reads item by item.
func (goKeyring) GetAll(string) (map[string]string, error) { return nil, ErrNoBulk }
