package keychain_test

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"

	"latchkey/auth/keychain"
)

// countingGets counts the per-item reads that reach k; GetAll passes through when k has it.
type countingGets struct {
	keychain.Keyring
	gets atomic.Int32
}

func (c *countingGets) Get(service, user string) (string, error) {
	c.gets.Add(1)
	return c.Keyring.Get(service, user)
}

func (c *countingGets) GetAll(service string) (map[string]string, error) {
	return c.Keyring.(keychain.BulkReader).GetAll(service)
}

// TestSnapshotEqualsPerItem: for every account (inline, chunked, damaged, never saved, and
// an index entry whose manifest is gone) a Snapshot answers exactly what Load and List
// answer, reading the keychain once in bulk, not item by item.
func TestSnapshotEqualsPerItem(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			raw, svc := be.open(t)
			k := &countingGets{Keyring: raw}
			st := keychain.New(k, svc) // 2000-byte items: the 8 KB records are chunked
			const n = 12
			recs := map[string][]byte{}
			for i := range n {
				id := fmt.Sprintf("acct-%02d", i)
				size := 600
				if i%3 == 0 {
					size = 8 << 10
				}
				recs[id] = record(size, id)
				if err := st.Save(id, recs[id]); err != nil {
					t.Fatalf("Save %s: %v", id, err)
				}
			}
			// Damage: a chunk of one chunked record goes, another's manifest is garbage.
			gen, chunks := generation(t, raw, svc, "acct/acct-03")
			if chunks == 0 {
				t.Fatal("acct-03 was stored inline, want chunks")
			}
			if err := raw.Delete(svc, "acct/acct-03/"+gen+"/1"); err != nil {
				t.Fatal(err)
			}
			if err := raw.Set(svc, "acct/acct-05", "{"+secretMarker); err != nil {
				t.Fatal(err)
			}
			// An index entry whose manifest is gone (a crash in Delete).
			if err := raw.Delete(svc, "acct/acct-07"); err != nil {
				t.Fatal(err)
			}

			ids := append(slices.Sorted(func(yield func(string) bool) {
				for id := range recs {
					if !yield(id) {
						return
					}
				}
			}), "never-saved")
			type answer struct {
				rec  []byte
				kind keychain.Kind
				msg  string
			}
			ask := func(load func(string) ([]byte, error), id string) answer {
				rec, err := load(id)
				a := answer{rec: rec, kind: -1}
				if err != nil {
					a.kind, a.msg = kindOf(err), err.Error()
					checkNoContent(t, err)
				}
				return a
			}
			want := map[string]answer{}
			for _, id := range ids {
				want[id] = ask(st.Load, id)
			}
			wantList, wantErr := st.List()

			k.gets.Store(0)
			snap := st.Snapshot()
			if !snap.Bulk() {
				t.Fatalf("Snapshot did not read in bulk on %s", runtime.GOOS)
			}
			for _, id := range ids {
				got := ask(snap.Load, id)
				w := want[id]
				if !bytes.Equal(got.rec, w.rec) || got.kind != w.kind || got.msg != w.msg {
					t.Errorf("%s: Snapshot.Load = %d bytes, kind %v, %q; Load = %d bytes, kind %v, %q",
						id, len(got.rec), got.kind, got.msg, len(w.rec), w.kind, w.msg)
				}
			}
			gotList, gotErr := snap.List()
			if !slices.Equal(gotList, wantList) || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("Snapshot.List = %q, %v; List = %q, %v", gotList, gotErr, wantList, wantErr)
			}
			if want[ids[1]].kind != -1 || want["acct-03"].kind != keychain.Corrupt || want["acct-05"].kind != keychain.Corrupt || want["acct-07"].kind != keychain.NotFound {
				t.Errorf("the per-item answers are not the ones this test set up: %+v", want)
			}
			// Only the two damaged records are read again item by item (manifest and chunks).
			if got := k.gets.Load(); got > 20 {
				t.Errorf("Snapshot made %d per-item reads, want only those of the damaged records", got)
			}
		})
	}
}

// noBulk is a Keyring without GetAll.
type noBulk struct{ keychain.Keyring }

// TestSnapshotWithoutBulk: over a Keyring that cannot read in bulk, a Snapshot is the
// Store's own Load and List.
func TestSnapshotWithoutBulk(t *testing.T) {
	k := noBulk{keychain.Memory()}
	st := keychain.New(k, "latchkey-test")
	rec := record(5000, "one")
	if err := st.Save("one", rec); err != nil {
		t.Fatal(err)
	}
	snap := st.Snapshot()
	if snap.Bulk() {
		t.Fatal("Snapshot claims a bulk read over a Keyring without GetAll")
	}
	if got, err := snap.Load("one"); err != nil || !bytes.Equal(got, rec) {
		t.Fatalf("Load: %v", err)
	}
	if ids, err := snap.List(); err != nil || !slices.Equal(ids, []string{"one"}) {
		t.Fatalf("List = %q, %v", ids, err)
	}
}

// TestGetAllManyItems: the bulk read of more items than a bus lets one
// connection wait on at once (dbus-daemon's default: 128 pending replies)
// answers every item; unbounded pipelining failed here at 200 accounts.
func TestGetAllManyItems(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			raw, svc := be.open(t)
			bulk, ok := raw.(keychain.BulkReader)
			if !ok {
				t.Skip("this keyring has no bulk read on " + runtime.GOOS)
			}
			const n = 300
			for i := range n {
				if err := raw.Set(svc, fmt.Sprintf("item-%03d", i), fmt.Sprintf("value %d", i)); err != nil {
					t.Fatalf("Set %d: %v", i, err)
				}
			}
			got, err := bulk.GetAll(svc)
			if err != nil {
				t.Fatalf("GetAll of %d items: %v", n, err)
			}
			if len(got) != n {
				t.Fatalf("GetAll answered %d items, want %d", len(got), n)
			}
			for i := range n {
				if v := got[fmt.Sprintf("item-%03d", i)]; v != fmt.Sprintf("value %d", i) {
					t.Fatalf("item-%03d = %q", i, v)
				}
			}
		})
	}
}
