package keychain_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"latchkey/auth"
	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
)

// secretMarker is put in every test record; no error message may ever contain it.
const secretMarker = "SECRET-MARKER-7f3a"

// backend is a Keyring to run the store tests against, with the service to use.
type backend struct {
	name string
	open func(t *testing.T) (keychain.Keyring, string)
}

// backends are the in-memory keyring (always) and the real Secret Service (under .ci/with-keyring).
var backends = []backend{
	{"memory", func(t *testing.T) (keychain.Keyring, string) { return keychain.Memory(), "latchkey-test" }},
	{"real", func(t *testing.T) (keychain.Keyring, string) {
		svc := keychaintest.Require(t)
		return keychain.System(0), svc
	}},
}

// record returns a JSON-ish record of about n bytes holding secretMarker and text seeded by seed.
func record(n int, seed string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"seed":%q,"access_token":%q,"pad":"`, seed, secretMarker)
	for i := 0; b.Len() < n-2; i++ {
		fmt.Fprintf(&b, "%s-%d.", seed, i)
	}
	b.WriteString(`"}`)
	return b.Bytes()
}

// binaryRecord holds every byte value (and invalid UTF-8), n bytes long.
func binaryRecord(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	return append([]byte(secretMarker), b...)
}

var unicodeRecord = []byte(`{"name":"Zoë Ångström 山田 🔑","note":"tab\t nul\u0000 quote\" backslash\\ ` + secretMarker + ` \u2028"}` +
	"\xff\xfe raw bytes")

// kindOf returns the Kind of a keychain *Error, or -1 when err is not one.
func kindOf(err error) keychain.Kind {
	var ke *keychain.Error
	if errors.As(err, &ke) {
		return ke.Kind
	}
	return -1
}

// checkNoContent fails when an error message holds the contents of any of recs.
func checkNoContent(t *testing.T, err error, recs ...[]byte) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.Contains(msg, secretMarker) {
		t.Errorf("error message holds record contents: %q", msg)
	}
	for _, rec := range recs {
		if enc := base64.StdEncoding.EncodeToString(rec); len(enc) >= 24 && strings.Contains(msg, enc[:24]) {
			t.Errorf("error message holds encoded record contents: %q", msg)
		}
	}
}

// generation reads the generation and chunk count of the manifest at user straight from k.
func generation(t *testing.T, k keychain.Keyring, svc, user string) (string, int) {
	t.Helper()
	raw, err := k.Get(svc, user)
	if err != nil {
		t.Fatalf("reading manifest %q: %v", user, err)
	}
	var m struct {
		Generation string `json:"generation"`
		Chunks     int    `json:"chunks"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("manifest %q is not JSON: %v", user, err)
	}
	return m.Generation, m.Chunks
}

func TestStoreRoundTrip(t *testing.T) {
	steps := []struct {
		name   string
		record []byte
		chunks bool // stored in chunks rather than inline
	}{
		{"small", record(300, "a"), false},
		{"large over small", record(9000, "b"), true},
		{"large over large", record(9000, "c"), true},
		{"small over large", record(500, "d"), false},
		{"binary, chunk-aligned", binaryRecord(3000 - len(secretMarker)), true},
		{"unicode and invalid UTF-8", unicodeRecord, false},
		{"large again", record(6000, "e"), true},
		{"empty", []byte{}, false},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			k, svc := be.open(t)
			st := keychain.New(k, svc)
			const id = "work"
			prevGen, prevChunks := "", 0
			for _, step := range steps {
				if err := st.Save(id, step.record); err != nil {
					t.Fatalf("%s: Save: %v", step.name, err)
				}
				got, err := keychain.New(k, svc).Load(id)
				if err != nil {
					t.Fatalf("%s: Load: %v", step.name, err)
				}
				if !bytes.Equal(got, step.record) {
					t.Fatalf("%s: Load returned %d bytes that differ from the %d saved", step.name, len(got), len(step.record))
				}
				gen, chunks := generation(t, k, svc, "acct/"+id)
				if (chunks > 0) != step.chunks {
					t.Errorf("%s: %d chunks, want chunked=%v", step.name, chunks, step.chunks)
				}
				// The chunks of the replaced record are gone.
				for n := range prevChunks {
					if _, err := k.Get(svc, fmt.Sprintf("acct/%s/%s/%d", id, prevGen, n)); !errors.Is(err, keychain.ErrNotFound) {
						t.Errorf("%s: old chunk %d still readable (err %v)", step.name, n, err)
					}
				}
				prevGen, prevChunks = gen, chunks
			}
			if err := st.Delete(id); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := k.Get(svc, "acct/"+id); !errors.Is(err, keychain.ErrNotFound) {
				t.Errorf("manifest still there after Delete (err %v)", err)
			}
			_, err := st.Load(id)
			if !errors.Is(err, keychain.ErrNotFound) || kindOf(err) != keychain.NotFound {
				t.Fatalf("Load after Delete: got %v, want NotFound", err)
			}
			if msg := auth.Describe(err, auth.CLI); !strings.Contains(msg, `"work"`) || !strings.Contains(msg, "sign in") {
				t.Errorf("NotFound message %q does not name the account and say to sign in", msg)
			}
			if err := st.Delete(id); err != nil {
				t.Errorf("Delete of an absent account: %v, want nil", err)
			}
		})
	}
}

func TestStoreList(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			k, svc := be.open(t)
			st := keychain.New(k, svc)
			if ids, err := st.List(); err != nil || len(ids) != 0 {
				t.Fatalf("List of an empty store: %v, %v", ids, err)
			}
			for _, id := range []string{"mastodon", "github", "work-sso", "Zoë@example"} {
				if err := st.Save(id, record(100, id)); err != nil {
					t.Fatalf("Save %q: %v", id, err)
				}
			}
			if err := st.Save("github", record(4000, "again")); err != nil { // saving again does not duplicate
				t.Fatalf("Save again: %v", err)
			}
			if err := st.Delete("mastodon"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if err := st.Delete("never-saved"); err != nil {
				t.Fatalf("Delete of an absent account: %v", err)
			}
			ids, err := keychain.New(k, svc).List()
			want := []string{"Zoë@example", "github", "work-sso"}
			if err != nil || !slices.Equal(ids, want) {
				t.Fatalf("List = %q, %v; want %q", ids, err, want)
			}
		})
	}
}

func TestStoreCorrupt(t *testing.T) {
	rec := record(5000, "corrupt")
	tamper := []struct {
		name string
		do   func(k keychain.Keyring, svc, gen string) error
		want string
	}{
		{"chunk altered", func(k keychain.Keyring, svc, gen string) error {
			return k.Set(svc, "acct/acct1/"+gen+"/1", strings.Repeat("A", 2000))
		}, "sha256"},
		{"chunk missing", func(k keychain.Keyring, svc, gen string) error {
			return k.Delete(svc, "acct/acct1/"+gen+"/2")
		}, "chunk 3 of 4 is missing"},
		{"chunk not base64", func(k keychain.Keyring, svc, gen string) error {
			return k.Set(svc, "acct/acct1/"+gen+"/0", "not*base64!")
		}, "base64"},
		{"manifest not JSON", func(k keychain.Keyring, svc, gen string) error {
			return k.Set(svc, "acct/acct1", "{"+secretMarker)
		}, "not valid JSON"},
		{"manifest from the future", func(k keychain.Keyring, svc, gen string) error {
			return k.Set(svc, "acct/acct1", `{"v":2}`)
		}, "version 2"},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			k, svc := be.open(t)
			st := keychain.New(k, svc)
			for _, tt := range tamper {
				if err := st.Save("acct1", rec); err != nil {
					t.Fatalf("%s: Save: %v", tt.name, err)
				}
				gen, _ := generation(t, k, svc, "acct/acct1")
				if err := tt.do(k, svc, gen); err != nil {
					t.Fatalf("%s: tampering: %v", tt.name, err)
				}
				_, err := st.Load("acct1")
				if kindOf(err) != keychain.Corrupt || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: Load: got %v, want Corrupt saying %q", tt.name, err, tt.want)
				}
				checkNoContent(t, err, rec)
				if ids, err := st.List(); err != nil || !slices.Contains(ids, "acct1") {
					t.Errorf("%s: List = %q, %v: a damaged record must stay listed so it can be replaced", tt.name, ids, err)
				}
			}
			// A damaged record can be replaced, then deleted.
			if err := st.Save("acct1", rec); err != nil {
				t.Fatalf("Save over a damaged record: %v", err)
			}
			if got, err := st.Load("acct1"); err != nil || !bytes.Equal(got, rec) {
				t.Fatalf("Load after replacing a damaged record: %v", err)
			}
			if err := k.Set(svc, "acct/acct1", "garbage"); err != nil {
				t.Fatal(err)
			}
			if err := st.Delete("acct1"); err != nil {
				t.Fatalf("Delete of a damaged record: %v", err)
			}
			if _, err := st.Load("acct1"); !errors.Is(err, keychain.ErrNotFound) {
				t.Fatalf("Load after deleting a damaged record: %v, want NotFound", err)
			}
		})
	}
}

func TestStoreRefuses(t *testing.T) {
	st := keychain.New(keychain.Memory(), "")
	huge := record(keychain.MaxRecordSize+1, "huge")
	tests := []struct {
		name string
		call func() error
		want keychain.Kind
	}{
		{"too big", func() error { return st.Save("work", huge) }, keychain.TooBig},
		{"empty id", func() error { return st.Save("", []byte("x")) }, keychain.InvalidID},
		{"slash in id", func() error { return st.Save("a/0/1", []byte("x")) }, keychain.InvalidID},
		{"control character", func() error { _, err := st.Load("a\nb"); return err }, keychain.InvalidID},
		{"long id", func() error { return st.Delete(strings.Repeat("x", 129)) }, keychain.InvalidID},
		{"invalid UTF-8", func() error { _, err := st.Load("\xff"); return err }, keychain.InvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if kindOf(err) != tt.want {
				t.Fatalf("got %v, want kind %v", err, tt.want)
			}
			checkNoContent(t, err, huge)
		})
	}
}

// saveDuringLoad is a Keyring that, the first time a chunk is read, lets another Store replace
// the record (as another process would), so the chunks being read disappear.
type saveDuringLoad struct {
	keychain.Keyring
	once  sync.Once
	other func()
}

func (s *saveDuringLoad) Get(service, user string) (string, error) {
	if strings.Count(user, "/") == 3 { // acct/<id>/<generation>/<n>
		s.once.Do(s.other)
	}
	return s.Keyring.Get(service, user)
}

func TestLoadRetriesWhenReplaced(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			k, svc := be.open(t)
			oldRec, newRec := record(7000, "old"), record(7000, "new")
			if err := keychain.New(k, svc).Save("work", oldRec); err != nil {
				t.Fatal(err)
			}
			var otherErr error
			reader := &saveDuringLoad{Keyring: k, other: func() { otherErr = keychain.New(k, svc).Save("work", newRec) }}
			got, err := keychain.New(reader, svc).Load("work")
			if otherErr != nil {
				t.Fatalf("the concurrent Save failed: %v", otherErr)
			}
			if err != nil || !bytes.Equal(got, newRec) {
				t.Fatalf("Load while the record was replaced: %d bytes, %v; want the new record", len(got), err)
			}
		})
	}
}

func TestStoreConcurrent(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			k, svc := be.open(t)
			st := keychain.New(k, svc)
			recs := [][]byte{record(5000, "one"), record(300, "two"), record(8000, "three")}
			if err := st.Save("work", recs[0]); err != nil {
				t.Fatal(err)
			}
			const saves = 6
			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				errs []error
			)
			fail := func(err error) {
				mu.Lock()
				defer mu.Unlock()
				errs = append(errs, err)
			}
			stop := make(chan struct{})
			loading := make(chan struct{})
			loads := make(chan int, 1)
			go func() {
				n := 0
				defer func() { loads <- n }()
				for {
					got, err := st.Load("work")
					n++
					if err != nil {
						fail(fmt.Errorf("Load: %w", err))
					} else if !slices.ContainsFunc(recs, func(r []byte) bool { return bytes.Equal(r, got) }) {
						fail(fmt.Errorf("Load returned %d bytes matching no saved record", len(got)))
					}
					if n == 1 {
						close(loading)
					}
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
			<-loading
			for w := range 2 {
				wg.Go(func() {
					for i := range saves / 2 {
						if err := st.Save("work", recs[(w+i)%len(recs)]); err != nil {
							fail(fmt.Errorf("Save: %w", err))
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			t.Logf("%d loads during %d saves", <-loads, saves)
			for _, err := range errs {
				t.Error(err)
			}
			if ids, err := st.List(); err != nil || !slices.Equal(ids, []string{"work"}) {
				t.Errorf("List = %q, %v", ids, err)
			}
		})
	}
}

func TestMemoryKeyring(t *testing.T) {
	k := keychain.Memory()
	if _, err := k.Get("s", "u"); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("Get of a missing item: %v", err)
	}
	if err := k.Delete("s", "u"); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("Delete of a missing item: %v", err)
	}
	if err := k.Set("s", "u", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get("s", "u"); err != nil || v != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if _, err := keychain.Memory().Get("s", "u"); !errors.Is(err, keychain.ErrNotFound) {
		t.Error("two Memory keyrings share items")
	}
	if _, err := k.Get("other", "u"); !errors.Is(err, keychain.ErrNotFound) {
		t.Error("services are not kept apart")
	}
}

func TestServiceName(t *testing.T) {
	t.Setenv("LATCHKEY_KEYRING_SERVICE", "")
	if got := keychain.ServiceName(); got != "latchkey" {
		t.Errorf("ServiceName() = %q with no env, want latchkey", got)
	}
	t.Setenv("LATCHKEY_KEYRING_SERVICE", "latchkey-dev")
	if got := keychain.ServiceName(); got != "latchkey-dev" {
		t.Errorf("ServiceName() = %q, want latchkey-dev", got)
	}
}

// TestPlatformItemLimit: on Linux the Secret Service has no practical item
// limit, so with PlatformItemLimit an 8 KB token set is one item (one D-Bus
// round trip), not a manifest and five chunks; it still round-trips.
func TestPlatformItemLimit(t *testing.T) {
	svc := keychaintest.Require(t)
	k := keychain.System(0)
	st := keychain.New(k, svc, keychain.ItemLimit(keychain.PlatformItemLimit()))
	rec := record(8<<10, "platform")
	if err := st.Save("big", rec); err != nil {
		t.Fatal(err)
	}
	raw, err := k.Get(svc, "acct/big")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Chunks int    `json:"chunks"`
		Data   string `json:"data"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m.Chunks != 0 || m.Data == "" {
		t.Fatalf("an 8 KB record was split on Linux (chunks=%d, inline=%v, %v)", m.Chunks, m.Data != "", err)
	}
	got, err := st.Load("big")
	if err != nil || !bytes.Equal(got, rec) {
		t.Fatalf("round trip: %v", err)
	}
	// Below the portable limit the option is raised to it.
	small := keychain.New(k, svc, keychain.ItemLimit(10))
	if err := small.Save("chunked", rec); err != nil {
		t.Fatal(err)
	}
	if got, err := small.Load("chunked"); err != nil || !bytes.Equal(got, rec) {
		t.Fatalf("chunked round trip: %v", err)
	}
}

// TestIndexLockTwoProcesses runs two processes (this test binary) that add
// different accounts to one real keychain at the same moment: with
// IndexLock every id stays in the index. (Without it, 3 runs out of 3
// listed only 8 of the 16.)
func TestIndexLockTwoProcesses(t *testing.T) {
	svc := keychaintest.Require(t)
	lockDir := t.TempDir()
	const perChild = 8
	var children []*exec.Cmd
	var outs []*bytes.Buffer
	for _, prefix := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestIndexLockChild$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			"LATCHKEY_INDEX_CHILD=1",
			"LATCHKEY_CHILD_SERVICE="+svc,
			"LATCHKEY_CHILD_LOCKDIR="+lockDir,
			"LATCHKEY_CHILD_PREFIX="+prefix,
			fmt.Sprintf("LATCHKEY_CHILD_COUNT=%d", perChild),
		)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children = append(children, cmd)
		outs = append(outs, out)
	}
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	ids, err := keychain.New(keychain.System(0), svc).List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2*perChild {
		t.Fatalf("the index lists %d accounts, want %d (two processes dropped each other's ids): %v", len(ids), 2*perChild, ids)
	}
}

// TestIndexLockChild is the child of TestIndexLockTwoProcesses; it does
// nothing in a normal run.
func TestIndexLockChild(t *testing.T) {
	if os.Getenv("LATCHKEY_INDEX_CHILD") != "1" {
		t.Skip("helper process for TestIndexLockTwoProcesses; runs only as its child")
	}
	st := keychain.New(keychain.System(0), os.Getenv("LATCHKEY_CHILD_SERVICE"), keychain.IndexLock(os.Getenv("LATCHKEY_CHILD_LOCKDIR")))
	n, _ := strconv.Atoi(os.Getenv("LATCHKEY_CHILD_COUNT"))
	for i := range n {
		if err := st.Save(fmt.Sprintf("%s%d", os.Getenv("LATCHKEY_CHILD_PREFIX"), i), []byte(`{"v":1}`)); err != nil {
			t.Fatal(err)
		}
	}
}
