package auth

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig says how to verify bearer JWTs. Exactly one of HS256Secret and
// RS256PublicKey is set to turn JWTs on.
type JWTConfig struct {
	HS256Secret    []byte
	RS256PublicKey *rsa.PublicKey
	// Issuer and Audience, when set, must match the iss and aud claims.
	Issuer   string
	Audience string
	// RoleClaim names the claim holding the role ("partner", "STAFF", ...);
	// default "role".
	RoleClaim string
	// Leeway tolerates clock skew on exp and nbf; default 30s.
	Leeway time.Duration
}

// Enabled reports whether JWTs are accepted.
func (c JWTConfig) Enabled() bool { return len(c.HS256Secret) > 0 || c.RS256PublicKey != nil }

// ParseRSAPublicKeyPEM reads an RS256 verification key.
func ParseRSAPublicKeyPEM(pem []byte) (*rsa.PublicKey, error) {
	return jwt.ParseRSAPublicKeyFromPEM(pem)
}

// verifyJWT checks signature, exp (required), nbf, iss and aud, and reads
// the role and subject. Only the configured algorithm is accepted, so a
// token cannot pick "none" or swap RS256 for HS256.
func verifyJWT(c JWTConfig, token string, now time.Time) (Principal, error) {
	method, key := "", any(nil)
	switch {
	case c.RS256PublicKey != nil:
		method, key = jwt.SigningMethodRS256.Alg(), c.RS256PublicKey
	case len(c.HS256Secret) > 0:
		method, key = jwt.SigningMethodHS256.Alg(), c.HS256Secret
	default:
		return Principal{}, errors.New("JWTs are not accepted")
	}
	leeway := c.Leeway
	if leeway == 0 {
		leeway = 30 * time.Second
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{method}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	}
	if c.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(c.Issuer))
	}
	if c.Audience != "" {
		opts = append(opts, jwt.WithAudience(c.Audience))
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return key, nil }, opts...); err != nil {
		return Principal{}, fmt.Errorf("invalid token: %w", err)
	}
	name := c.RoleClaim
	if name == "" {
		name = "role"
	}
	raw, _ := claims[name].(string)
	role := Role(strings.ToUpper(raw))
	if !role.IsValid() || role == Anonymous {
		return Principal{}, fmt.Errorf("invalid token: claim %q must be partner, staff or admin", name)
	}
	sub, _ := claims.GetSubject()
	if sub == "" {
		return Principal{}, errors.New("invalid token: sub is required")
	}
	return Principal{ID: "jwt:" + sub, Name: sub, Role: role}, nil
}
