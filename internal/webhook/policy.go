package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Policy decides which URLs webhooks may call: https to public addresses
// only, unless the host is allow-listed (CHAINMATCH_WEBHOOK_ALLOW_HOSTS).
// An allow-listed host may also use plain http: allow-listing is for test
// receivers and in-house endpoints whose address the operator vouches for.
// The address check runs twice: at registration, for every address the
// host resolves to, and at dial time, for the address actually dialled, so
// a name that later resolves to a private address (DNS rebinding) is still
// refused.
type Policy struct {
	// AllowHosts are hosts ("example.com", "127.0.0.1") or host:port pairs
	// exempt from the https and public-address rules.
	AllowHosts []string
	// Resolve looks a host up; nil means net.DefaultResolver.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// MaxURLLength bounds a webhook URL.
const MaxURLLength = 2048

// ErrRefusedAddress is the dial-time refusal of a non-public address.
var ErrRefusedAddress = errors.New("webhook: refusing to connect to a non-public address")

// allowed reports whether host (and port) are allow-listed.
func (p Policy) allowed(host, port string) bool {
	host = strings.ToLower(strings.Trim(host, "[]"))
	for _, a := range p.AllowHosts {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if h, pt, err := net.SplitHostPort(a); err == nil {
			if strings.Trim(h, "[]") == host && pt == port {
				return true
			}
			continue
		}
		if strings.Trim(a, "[]") == host {
			return true
		}
	}
	return false
}

func (p Policy) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if p.Resolve != nil {
		return p.Resolve(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Check validates a webhook URL and returns it normalised; a refusal is
// a message for the user (the caller wraps it as BAD_USER_INPUT).
func (p Policy) Check(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("must not be empty")
	}
	if len(raw) > MaxURLLength {
		return "", fmt.Errorf("must be at most %d characters", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", errors.New("must be an absolute URL such as https://example.com/hooks")
	}
	if u.User != nil {
		return "", errors.New("must not carry credentials (user:password@)")
	}
	if u.Fragment != "" {
		return "", errors.New("must not have a #fragment")
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	}
	allowed := p.allowed(host, port)
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !allowed {
			return "", errors.New("must use https (plain http only for hosts in CHAINMATCH_WEBHOOK_ALLOW_HOSTS)")
		}
	default:
		return "", errors.New("must use https")
	}
	if allowed {
		return u.String(), nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := p.resolve(rctx, host)
	if err != nil || len(addrs) == 0 {
		return "", fmt.Errorf("host %q does not resolve", host)
	}
	for _, a := range addrs {
		if !Public(a) {
			return "", fmt.Errorf("host %q resolves to %s, which is not a public address", host, a)
		}
	}
	return u.String(), nil
}

// nonPublic are the special-purpose ranges netip's predicates miss.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: may embed a private IPv4
}

// Public reports whether a is a globally routable unicast address: not
// loopback, private, link-local, unspecified, multicast or another
// special-purpose range. IPv4-mapped IPv6 addresses are judged as IPv4.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() || !a.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// dialControl refuses, at connect time, any address that is not public:
// the address dialled is the one the resolver returned just now, so this
// closes the gap a rebinding DNS answer would open after registration.
func dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, address)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, ap.Addr())
	}
	return nil
}

// Client returns the HTTP client deliveries use: no redirects followed (a
// 3xx is a failed attempt), no proxy from the environment (it would hide
// the address actually called), every dial checked against the policy,
// and timeout per attempt. tlsCfg may be nil (system roots).
func (p Policy) Client(timeout time.Duration, tr *http.Transport) *http.Client {
	if tr == nil {
		tr = &http.Transport{}
	} else {
		tr = tr.Clone()
	}
	checked := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: dialControl}
	plain := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if p.allowed(host, port) {
			return plain.DialContext(ctx, network, addr)
		}
		return checked.DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 2
	tr.IdleConnTimeout = 90 * time.Second
	tr.TLSHandshakeTimeout = timeout
	tr.ResponseHeaderTimeout = timeout
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
