package oauth1

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRSAKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pemFile := func(name, typ string, der []byte, headers map[string]string) string {
		return write(name, pem.EncodeToMemory(&pem.Block{Type: typ, Headers: headers, Bytes: der}))
	}
	key := testKey()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	secretDER := []byte("not DER, and not to be quoted")

	for _, tt := range []struct {
		name string
		path string
	}{
		{"PKCS1", pemFile("pkcs1.pem", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), nil)},
		{"PKCS8", pemFile("pkcs8.pem", "PRIVATE KEY", pkcs8, nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadRSAKey(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(key) {
				t.Error("loaded a different key")
			}
		})
	}

	for _, tt := range []struct {
		name string
		path string
		want string // in the problem
	}{
		{"missing", filepath.Join(dir, "nope.pem"), "does not exist"},
		{"not PEM", write("notpem.pem", []byte("ssh-rsa AAAA…")), "not a PEM file"},
		{"public key", pemFile("pub.pem", "PUBLIC KEY", pub, nil), "needs the private key"},
		{"EC key", pemFile("ec.pem", "PRIVATE KEY", ecDER, nil), "ECDSA key"},
		{"PKCS8 encrypted", pemFile("enc8.pem", "ENCRYPTED PRIVATE KEY", secretDER, nil), "encrypted"},
		{"legacy encrypted", pemFile("enc1.pem", "RSA PRIVATE KEY", secretDER, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}), "encrypted"},
		{"damaged PKCS1", pemFile("bad1.pem", "RSA PRIVATE KEY", secretDER, nil), "damaged"},
		{"damaged PKCS8", pemFile("bad8.pem", "PRIVATE KEY", secretDER, nil), "damaged"},
		{"other block", pemFile("cert.pem", "OPENSSH PRIVATE KEY", secretDER, nil), "expected RSA PRIVATE KEY"},
		{"512-bit", pemFile("small.pem", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(smallKey(t)), nil), "512-bit key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadRSAKey(tt.path)
			var ke *KeyFileError
			if !errors.As(err, &ke) || got != nil {
				t.Fatalf("LoadRSAKey = %v, %v; want a *KeyFileError", got, err)
			}
			msg := err.Error()
			if ke.Path != tt.path || !strings.Contains(msg, tt.path) || !strings.Contains(ke.Problem, tt.want) {
				t.Errorf("message %q: want the path and %q", msg, tt.want)
			}
			if strings.Contains(msg, string(secretDER)) {
				t.Errorf("message %q quotes the file", msg)
			}
		})
	}
}
