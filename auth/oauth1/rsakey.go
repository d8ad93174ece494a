package oauth1

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// minRSABits is the smallest key crypto/rsa signs with (Go ≥ 1.24).
const minRSABits = 1024

// LoadRSAKey reads the RSA private key for RSA-SHA1 (RFC 5849 §3.4.3) from
// the PEM file at path: a "RSA PRIVATE KEY" (PKCS #1) or "PRIVATE KEY"
// (PKCS #8) block, unencrypted, of at least 1024 bits. Every problem is a
// *KeyFileError naming the file and what is wrong with it; it never quotes the
// file's contents.
func LoadRSAKey(path string) (*rsa.PrivateKey, error) {
	fail := func(problem string, err error) error {
		return &KeyFileError{Path: path, Problem: problem, Err: err}
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail("does not exist", nil)
	case errors.Is(err, fs.ErrPermission):
		return nil, fail("cannot be read: check its permissions", nil)
	case err != nil:
		return nil, fail("cannot be read", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fail("is not a PEM file: it should start with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----", nil)
	}
	if _, ok := block.Headers["Proc-Type"]; ok || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, fail("is encrypted: Latchkey needs an unencrypted key (e.g. openssl pkey -in KEY -out PLAIN), kept readable only by you", nil)
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fail("holds a damaged RSA PRIVATE KEY block", err)
		}
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fail("holds a damaged PRIVATE KEY block", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fail(fmt.Sprintf("holds a %s key, but RSA-SHA1 needs an RSA key", keyKind(k)), nil)
		}
		key = rk
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fail(fmt.Sprintf("holds a %s; RSA-SHA1 signing needs the private key (the provider gets the public one)", block.Type), nil)
	default:
		return nil, fail(fmt.Sprintf("holds a %q PEM block; expected RSA PRIVATE KEY or PRIVATE KEY", block.Type), nil)
	}
	if bits := key.N.BitLen(); bits < minRSABits {
		return nil, fail(fmt.Sprintf("holds a %d-bit key; RSA-SHA1 signing needs at least %d bits (2048 recommended): make a new key and register its public half with the provider", bits, minRSABits), nil)
	}
	return key, nil
}

// keyKind names the algorithm of a parsed PKCS #8 key for messages.
func keyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "ECDH"
	}
	return "non-RSA"
}
