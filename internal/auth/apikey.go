package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// API keys look like "cm_" + 12 hex characters of key id + "_" + 43
// base64url characters of secret (32 random bytes). The id is not secret:
// it finds the stored record without scanning; only a salted HMAC-SHA-256
// of the whole key is stored. Keys carry 256 bits of entropy, so a fast
// salted hash is enough (a slow password hash would only cost latency).
const (
	keyPrefix    = "cm_"
	keyIDLen     = 12
	keySecretLen = 43
)

// APIKey is a stored API key: everything but the secret.
type APIKey struct {
	ID         string
	Name       string
	Role       Role
	Prefix     string // "cm_<id>", safe to show
	Salt       string // hex
	Hash       string // hex HMAC-SHA-256(salt, key)
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return k.RevokedAt != nil }

// newAPIKey makes a fresh key for name and role and returns the stored
// record and the secret key, which is shown once and never stored.
func newAPIKey(name string, role Role, now time.Time) (APIKey, string, error) {
	var id [keyIDLen / 2]byte
	var secret [32]byte
	var salt [16]byte
	for _, b := range [][]byte{id[:], secret[:], salt[:]} {
		if _, err := rand.Read(b); err != nil {
			return APIKey{}, "", err
		}
	}
	k := APIKey{
		ID:        hex.EncodeToString(id[:]),
		Name:      name,
		Role:      role,
		Salt:      hex.EncodeToString(salt[:]),
		CreatedAt: now.UTC(),
	}
	k.Prefix = keyPrefix + k.ID
	plain := k.Prefix + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	k.Hash = hashKey(k.Salt, plain)
	return k, plain, nil
}

// parseAPIKey returns the key id embedded in s, or ok=false when s is not
// shaped like an API key.
func parseAPIKey(s string) (id string, ok bool) {
	if !strings.HasPrefix(s, keyPrefix) {
		return "", false
	}
	rest := s[len(keyPrefix):]
	if len(rest) != keyIDLen+1+keySecretLen || rest[keyIDLen] != '_' {
		return "", false
	}
	id = rest[:keyIDLen]
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(rest[keyIDLen+1:]); err != nil {
		return "", false
	}
	return id, true
}

func hashKey(saltHex, plain string) string {
	salt, _ := hex.DecodeString(saltHex)
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(plain))
	return hex.EncodeToString(m.Sum(nil))
}

// matches compares plain with the stored hash in constant time.
func (k APIKey) matches(plain string) bool {
	return subtle.ConstantTimeCompare([]byte(hashKey(k.Salt, plain)), []byte(k.Hash)) == 1
}

// equalSecret compares two secrets in constant time, also in their length.
func equalSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
