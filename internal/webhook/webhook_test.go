package webhook

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks reference test vector.
func TestSignMatchesTheStandardWebhooksVector(t *testing.T) {
	sig, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; sig != want {
		t.Fatalf("signature %s, want %s", sig, want)
	}
	if !Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`), "v1,bm9wZQ== "+sig) {
		t.Fatal("Verify refuses a list holding the right signature")
	}
	if Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, []byte(`{"test": 2432232314}`), sig) {
		t.Fatal("Verify accepts a signature of another timestamp")
	}
}

func TestNewSecretIs32RandomBytes(t *testing.T) {
	a, _ := NewSecret()
	b, _ := NewSecret()
	key, err := secretKey(a)
	if err != nil || len(key) != 32 || !strings.HasPrefix(a, "whsec_") || a == b {
		t.Fatalf("secret %q (%d bytes, err %v), second %q", a, len(key), err, b)
	}
}

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "0.0.0.0": false, "100.64.0.1": false, "224.0.0.1": false,
		"255.255.255.255": false, "::1": false, "::": false, "fe80::1": false, "fc00::1": false,
		"ff02::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false,
		"198.18.0.1": false, "192.0.2.1": false,
	} {
		if got := Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	p := Policy{
		AllowHosts: []string{"hooks.internal", "127.0.0.1:9999"},
		Resolve: func(_ context.Context, host string) ([]netip.Addr, error) {
			switch host {
			case "public.example":
				return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
			case "rebind.example": // one public and one private answer
				return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")}, nil
			case "metadata.example":
				return []netip.Addr{netip.MustParseAddr("169.254.169.254")}, nil
			}
			return nil, errors.New("no such host")
		},
	}
	for _, c := range []struct {
		url  string
		ok   bool
		says string
	}{
		{"https://public.example/hooks", true, ""},
		{"https://public.example:8443/hooks?x=1", true, ""},
		{"http://public.example/hooks", false, "https"},
		{"ftp://public.example/x", false, "https"},
		{"https://rebind.example/", false, "10.0.0.7"},
		{"https://metadata.example/", false, "not a public address"},
		{"https://127.0.0.1/", false, "not a public address"},
		{"https://[::1]/", false, "not a public address"},
		{"https://10.0.0.1/", false, "not a public address"},
		{"https://192.168.0.10/", false, "not a public address"},
		{"https://0.0.0.0/", false, "not a public address"},
		{"https://[fe80::1]/", false, "not a public address"},
		{"https://224.0.0.1/", false, "not a public address"},
		{"https://unknown.example/", false, "does not resolve"},
		{"https://user:pw@public.example/", false, "credentials"},
		{"https://public.example/#frag", false, "fragment"},
		{"/relative", false, "absolute"},
		{"", false, "empty"},
		{"https://public.example/" + strings.Repeat("a", MaxURLLength), false, "at most"},
		{"http://hooks.internal/x", true, ""},         // allow-listed host, any port
		{"http://127.0.0.1:9999/x", true, ""},         // allow-listed host:port
		{"http://127.0.0.1:9998/x", false, "https"},   // another port is not
		{"https://127.0.0.1:9998/x", false, "public"}, // nor over https
		{"https://HOOKS.internal:8443/x", true, ""},   // hosts compare case-insensitively
	} {
		got, err := p.Check(context.Background(), c.url)
		if c.ok && (err != nil || got == "") {
			t.Errorf("Check(%q) refused: %v", c.url, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("Check(%q) = %v, want an error saying %q", c.url, err, c.says)
		}
	}
}

// The client refuses private addresses at dial time (DNS rebinding) and
// does not follow redirects.
func TestClientRefusesPrivateDialsAndRedirects(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer target.Close()

	strict := Policy{}.Client(2*time.Second, nil)
	_, err := strict.Post(target.URL+"/", "application/json", nil)
	if !errors.Is(err, ErrRefusedAddress) {
		t.Fatalf("dial to %s: %v, want ErrRefusedAddress", target.URL, err)
	}

	host := strings.TrimPrefix(target.URL, "http://")
	allowed := Policy{AllowHosts: []string{host}}.Client(2*time.Second, nil)
	resp, err := allowed.Post(target.URL+"/redirect", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d: the redirect was followed", resp.StatusCode)
	}
}

func TestScheduleGrowsWithFullJitterAndEndsAfterTheWindow(t *testing.T) {
	s := DefaultSchedule()
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := s.Ceiling(i + 1); got != w {
			t.Errorf("Ceiling(%d) = %v, want %v", i+1, got, w)
		}
	}
	if s.Ceiling(40) != time.Hour {
		t.Errorf("Ceiling(40) = %v, want the 1 h cap", s.Ceiling(40))
	}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now, attempts := first, 1
	for {
		next := s.Next(attempts, first, now)
		if next == nil {
			break
		}
		if next.Before(now) || next.Sub(now) > s.Ceiling(attempts) {
			t.Fatalf("attempt %d: next after %v, ceiling %v", attempts, next.Sub(now), s.Ceiling(attempts))
		}
		now, attempts = *next, attempts+1
	}
	if span := now.Sub(first); span < 24*time.Hour || span > 25*time.Hour {
		t.Fatalf("dead after %v and %d attempts; want at least 24 h", span, attempts)
	}
	t.Logf("dead after %v and %d attempts", now.Sub(first), attempts)
}

func TestBodyIsStable(t *testing.T) {
	d := Delivery{Type: EnterpriseCreated, EventID: "ev1", EventAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Data: ChangeData(EnterpriseCreated, "RW50", "", "")}
	b, _ := Body(d)
	want := `{"type":"ENTERPRISE_CREATED","id":"ev1","at":"2026-01-02T03:04:05Z","data":{"entityId":"RW50","kind":"ENTERPRISE_CREATED"}}`
	if string(b) != want {
		t.Fatalf("body %s\nwant %s", b, want)
	}
}

// The TypeScript example's test (web/test/webhook-verify.test.ts) checks
// this very signature: both sides agree on the bytes signed.
func TestSignatureSharedWithTheTypeScriptExample(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	body := `{"type":"ENTERPRISE_CREATED","id":"ev-1","at":"2026-01-01T00:00:00Z","data":{"entityId":"RW50","kind":"ENTERPRISE_CREATED"}}`
	sig, _ := Sign(secret, "ev-1", 1767225600, []byte(body))
	t.Logf("secret %s body %s signature %s", secret, body, sig)
	if secret != "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" || sig != tsExampleSignature {
		t.Fatalf("the TypeScript example's fixture is out of date: secret %s signature %s", secret, sig)
	}
}

const tsExampleSignature = "v1,El73ImOJ+3cS3WQTEYhTpjC0QBEz14PvEe5//FMpBqc="
