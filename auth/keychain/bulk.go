package keychain

import (
	"encoding/json"
	"errors"
	"slices"
)

// BulkReader is a Keyring that can read every item under a service at once. On Linux the
// Keyring of System does it with one Secret Service search and one GetSecrets call for all
// items (go-keyring has no such call and costs about seven D-Bus round trips per item);
// Memory does it too. Store.Snapshot uses it.
type BulkReader interface {
	// GetAll returns every item under service, by user name. It either reads them all or
	// fails. An error of kind Other (such as ErrNoBulk: no bulk read on this system) makes
	// the caller read item by item instead; the other kinds (locked, no Secret Service, no
	// answer in time…) are what every per-item read would have met too.
	GetAll(service string) (map[string]string, error)
}

// ErrNoBulk is what GetAll returns where the keychain has no bulk read (macOS, Windows),
// or could not do one (a Secret Service that did not return every item asked for).
var ErrNoBulk = errors.New("the keychain cannot read many items at once here")

// Snapshot is every account of a Store as one bulk read found them (Store.Snapshot). Its
// Load and List answer as the Store's would have at that moment, with the same records and
// the same errors; where a bulk read is not possible they are the Store's own Load and List.
// A record that looks damaged in the snapshot is read again item by item (Store.Load), so a
// Save that ran during the bulk read never shows as damage. A Snapshot is safe for concurrent
// use and is meant to be used once and dropped (status, the window's list).
type Snapshot struct {
	s *Store
	// items is what the bulk read returned, by user name; nil when every call goes to s.
	items map[string]string
	// err is the bulk read's failure, reported by every Load and List: a keychain that is
	// locked, not answering or not there says so for every account, as Load would.
	err error
}

// Snapshot reads every item of the Store at once when its Keyring is a BulkReader that can
// (the Secret Service on Linux: one search and one GetSecrets, whatever the number of
// accounts), and returns what Load and List of any account answer from it. Otherwise, and
// when the bulk read fails for a reason of its own (kind Other, e.g. ErrNoBulk), the
// Snapshot's Load and List are the Store's.
func (s *Store) Snapshot() *Snapshot {
	br, ok := s.k.(BulkReader)
	if !ok {
		return &Snapshot{s: s}
	}
	items, err := br.GetAll(s.service)
	switch classify(err) {
	case Other, NotFound:
		if err != nil {
			return &Snapshot{s: s}
		}
		if items == nil {
			items = map[string]string{}
		}
		return &Snapshot{s: s, items: items}
	}
	return &Snapshot{s: s, err: err}
}

// Bulk reports whether the Snapshot answers from one bulk read (else item by item).
func (sn *Snapshot) Bulk() bool { return sn.items != nil || sn.err != nil }

// Load returns the record of id as Store.Load would.
func (sn *Snapshot) Load(id string) ([]byte, error) {
	if err := checkID("load", id); err != nil {
		return nil, err
	}
	switch {
	case sn.err != nil:
		return nil, wrap("load", id, sn.err)
	case sn.items == nil:
		return sn.s.Load(id)
	}
	record, err := sn.read(accountKey(id))
	if classify(err) == Corrupt {
		return sn.s.Load(id) // damaged, or saved meanwhile: the per-item read decides
	}
	if err != nil {
		return nil, wrap("load", id, err)
	}
	return record, nil
}

// List returns the ids of the stored accounts as Store.List would.
func (sn *Snapshot) List() ([]string, error) {
	switch {
	case sn.err != nil:
		return nil, wrap("list", "", sn.err)
	case sn.items == nil:
		return sn.s.List()
	}
	data, err := sn.read(indexKey)
	if classify(err) == NotFound {
		return []string{}, nil
	}
	var ids []string
	if err == nil && json.Unmarshal(data, &ids) != nil {
		err = corrupt("the account index is not a JSON list")
	}
	if err != nil {
		return sn.s.List() // damaged, or rewritten meanwhile: the per-item read decides
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if checkID("list", id) != nil {
			continue
		}
		if _, ok := sn.items[accountKey(id)]; ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// read assembles the record at key from the snapshot's items.
func (sn *Snapshot) read(key string) ([]byte, error) {
	raw, ok := sn.items[key]
	if !ok {
		return nil, &Error{Kind: NotFound}
	}
	m, err := parseManifest(raw)
	if err != nil {
		return nil, err
	}
	return assemble(m, func(n int) (string, error) {
		if part, ok := sn.items[chunkKey(key, m.Generation, n)]; ok {
			return part, nil
		}
		return "", &Error{Kind: NotFound}
	})
}
