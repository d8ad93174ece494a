package keychain

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
)

// itemLimit is the most bytes Store puts in one keychain item (a manifest or a chunk). It is
// under Windows' 2560-byte limit on a credential blob and, after go-keyring's base64 encoding
// on macOS (x4/3 plus a prefix), under the 4096-byte `security -i` command line with room for
// the service and user names.
const itemLimit = 2000

// largeItemLimit is the item size for keychains without a practical limit
// (the Secret Service on Linux and the BSDs): every record up to
// MaxRecordSize fits one item, base64 and manifest included, so a save or
// load is one D-Bus round trip instead of one per 2000-byte chunk.
const largeItemLimit = MaxRecordSize/3*4 + 1024

// PlatformItemLimit is the item size a Store should use on this OS:
// 2000 bytes where the keychain has a small limit (Windows, macOS) or is
// unknown, larger where it has none (Linux and BSD Secret Service).
func PlatformItemLimit() int {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return largeItemLimit
	}
	return itemLimit
}

// MaxRecordSize is the largest record Save accepts: 64 KiB (real token sets are 5–8 KB).
const MaxRecordSize = 64 << 10

// maxChunks bounds the chunk count read from a manifest, so a damaged one cannot make Load
// ask the keychain for millions of items.
const maxChunks = ((MaxRecordSize+2)/3*4 + itemLimit - 1) / itemLimit

// manifestVersion is the layout version written in every manifest.
const manifestVersion = 1

// manifest is the commit point of a record: the item at the record's key. A record small
// enough is stored inline in Data; otherwise its base64 text is split over Chunks items
// "<key>/<Generation>/<n>", n = 0..Chunks-1. A new Generation on every chunked write means
// new chunks never overwrite the ones the current manifest points to.
type manifest struct {
	Version    int    `json:"v"`
	Generation string `json:"generation,omitempty"`
	Chunks     int    `json:"chunks"`
	Size       int    `json:"size"`
	SHA256     string `json:"sha256"`
	// Data is the whole record, base64 (standard encoding), when Chunks is 0.
	Data string `json:"data,omitempty"`
}

// chunkKey is the user name of chunk n of the record at key.
func chunkKey(key, generation string, n int) string {
	return fmt.Sprintf("%s/%s/%d", key, generation, n)
}

// plan lays out record: the manifest to write last and the chunks to write before it (none
// when the record fits inline).
func plan(record []byte, limit int) (m manifest, encoded string, chunks []string) {
	sum := sha256.Sum256(record)
	enc := base64.StdEncoding.EncodeToString(record)
	m = manifest{Version: manifestVersion, Size: len(record), SHA256: hex.EncodeToString(sum[:]), Data: enc}
	if b, _ := json.Marshal(m); len(b) <= limit {
		return m, string(b), nil
	}
	m.Data = ""
	m.Generation = newGeneration()
	for len(enc) > 0 {
		n := min(limit, len(enc))
		chunks = append(chunks, enc[:n])
		enc = enc[n:]
	}
	m.Chunks = len(chunks)
	b, _ := json.Marshal(m)
	return m, string(b), chunks
}

// newGeneration returns 64 random bits in hex. Random rather than counted so that two
// processes saving the same account at once never write the same chunk names.
func newGeneration() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// corrupt returns a Corrupt *Error whose Err says what is wrong (never the contents).
func corrupt(format string, args ...any) error {
	return &Error{Kind: Corrupt, Err: fmt.Errorf(format, args...)}
}

// parseManifest decodes and checks the manifest item's text.
func parseManifest(raw string) (manifest, error) {
	var m manifest
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return m, corrupt("the manifest is not valid JSON")
	}
	switch {
	case m.Version != manifestVersion:
		return m, corrupt("manifest version %d is not one this latchkey reads (%d)", m.Version, manifestVersion)
	case m.Size < 0 || m.Size > MaxRecordSize:
		return m, corrupt("the manifest gives an impossible size (%d bytes)", m.Size)
	case len(m.SHA256) != 2*sha256.Size:
		return m, corrupt("the manifest has no valid sha256")
	case m.Chunks < 0 || m.Chunks > maxChunks:
		return m, corrupt("the manifest gives an impossible chunk count (%d)", m.Chunks)
	case m.Chunks > 0 && (m.Generation == "" || strings.Contains(m.Generation, "/")):
		return m, corrupt("the manifest has no valid generation")
	case m.Chunks > 0 && m.Data != "":
		return m, corrupt("the manifest has both inline data and chunks")
	}
	return m, nil
}

// assemble joins the record's text (the inline data or the chunks, read with get) and checks
// it against the manifest. A chunk that is missing gives a Corrupt error.
func assemble(m manifest, get func(n int) (string, error)) ([]byte, error) {
	enc := m.Data
	if m.Chunks > 0 {
		var b strings.Builder
		b.Grow(m.Chunks * itemLimit)
		for n := range m.Chunks {
			part, err := get(n)
			if classify(err) == NotFound {
				return nil, corrupt("chunk %d of %d is missing", n+1, m.Chunks)
			}
			if err != nil {
				return nil, err
			}
			b.WriteString(part)
		}
		enc = b.String()
	}
	record, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, corrupt("the stored text is not valid base64")
	}
	if len(record) != m.Size {
		return nil, corrupt("the record is %d bytes, the manifest says %d", len(record), m.Size)
	}
	sum := sha256.Sum256(record)
	want, _ := hex.DecodeString(m.SHA256)
	if subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return nil, corrupt("its sha256 does not match the manifest")
	}
	return record, nil
}
