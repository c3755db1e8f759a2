package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestAPIKeyFormatAndHash(t *testing.T) {
	k, plain, err := newAPIKey("partner", Partner, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, ok := parseAPIKey(plain)
	if !ok || id != k.ID || !strings.HasPrefix(plain, k.Prefix+"_") || len(plain) != len("cm_")+12+1+43 {
		t.Fatalf("key %q id %q ok %v", plain, id, ok)
	}
	// Change the secret's last character to one it is not (a fixed
	// replacement would equal the original one time in 64).
	last := plain[len(plain)-1]
	other := byte('A')
	if last == other {
		other = 'B'
	}
	if !k.matches(plain) || k.matches(plain[:len(plain)-1]+string(other)) || strings.Contains(k.Hash, plain) {
		t.Fatal("hash comparison")
	}
	for _, bad := range []string{"", "cm_", "cm_zzzzzzzzzzzz_" + strings.Repeat("A", 43), "xx_0123456789ab_" + strings.Repeat("A", 43), plain + "A"} {
		if _, ok := parseAPIKey(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestVerifyJWT(t *testing.T) {
	secret := []byte(strings.Repeat("k", 32))
	cfg := JWTConfig{HS256Secret: secret, Issuer: "iss", Audience: "aud"}
	now := time.Now()
	sign := func(c jwt.MapClaims, m jwt.SigningMethod, key any) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ok := jwt.MapClaims{"sub": "u1", "role": "Partner", "iss": "iss", "aud": "aud", "exp": now.Add(time.Minute).Unix()}
	p, err := verifyJWT(cfg, sign(ok, jwt.SigningMethodHS256, secret), now)
	if err != nil || p.Role != Partner || p.ID != "jwt:u1" {
		t.Fatalf("%+v %v", p, err)
	}
	noExp := jwt.MapClaims{"sub": "u1", "role": "staff", "iss": "iss", "aud": "aud"}
	if _, err := verifyJWT(cfg, sign(noExp, jwt.SigningMethodHS256, secret), now); err == nil {
		t.Fatal("token without exp accepted")
	}
	if _, err := verifyJWT(cfg, sign(ok, jwt.SigningMethodHS384, secret), now); err == nil {
		t.Fatal("other algorithm accepted")
	}
	anon := jwt.MapClaims{"sub": "u1", "role": "anonymous", "iss": "iss", "aud": "aud", "exp": now.Add(time.Minute).Unix()}
	if _, err := verifyJWT(cfg, sign(anon, jwt.SigningMethodHS256, secret), now); err == nil {
		t.Fatal("anonymous role claim accepted")
	}
}
