package keychain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// FuzzManifest feeds arbitrary manifest texts and chunk contents to the
// decoder: it never panics, never asks for more chunks than maxChunks, and
// either refuses with a Corrupt error or returns a record whose size and
// sha256 are the manifest's.
func FuzzManifest(f *testing.F) {
	for _, rec := range [][]byte{[]byte(`{"v":1}`), bytes.Repeat([]byte("x"), 3000)} {
		m, text, chunks := plan(rec, itemLimit)
		_ = m
		f.Add(text, strings.Join(chunks, "\n"))
	}
	f.Add(`{"v":1,"chunks":3,"generation":"g","size":10,"sha256":"`+strings.Repeat("0", 64)+`"}`, "a\nb")
	f.Add(`{"v":1,"chunks":1000000,"generation":"g","size":10,"sha256":"x"}`, "")
	f.Add(`not json`, "")
	f.Fuzz(func(t *testing.T, raw, chunkText string) {
		m, err := parseManifest(raw)
		if err != nil {
			var ke *Error
			if !errors.As(err, &ke) || ke.Kind != Corrupt {
				t.Fatalf("parseManifest refused with %v, not a Corrupt error", err)
			}
			return
		}
		parts := strings.Split(chunkText, "\n")
		asked := 0
		rec, err := assemble(m, func(n int) (string, error) {
			asked++
			if n >= len(parts) {
				return "", &Error{Kind: NotFound}
			}
			return parts[n], nil
		})
		if asked > maxChunks {
			t.Fatalf("asked for %d chunks (limit %d)", asked, maxChunks)
		}
		if err != nil {
			var ke *Error
			if !errors.As(err, &ke) || ke.Kind != Corrupt {
				t.Fatalf("assemble refused with %v, not a Corrupt error", err)
			}
			return
		}
		sum := sha256.Sum256(rec)
		if len(rec) != m.Size || hex.EncodeToString(sum[:]) != strings.ToLower(m.SHA256) {
			t.Fatalf("assembled a record that does not match its manifest")
		}
	})
}
