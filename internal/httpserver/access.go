package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

// Authenticator turns an Authorization header into a principal; an error
// wrapping auth.ErrInvalidCredential means the credential is bad (401),
// any other error that the check could not be made (503).
type Authenticator interface {
	Authenticate(ctx context.Context, header string) (auth.Principal, error)
}

// RateLimit is a token bucket: PerSecond sustained, Burst at once.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// DefaultRateLimits are the per-role rates when none are configured.
var DefaultRateLimits = map[auth.Role]RateLimit{
	auth.Anonymous: {PerSecond: 5, Burst: 20},
	auth.Partner:   {PerSecond: 20, Burst: 60},
	auth.Staff:     {PerSecond: 50, Burst: 100},
	auth.Admin:     {PerSecond: 50, Burst: 100},
}

// authenticate puts the caller's principal in the request context. A
// present but invalid credential is refused with 401, never downgraded to
// anonymous.
func authenticate(a Authenticator, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		switch {
		case errors.Is(err, auth.ErrInvalidCredential):
			w.Header().Set("WWW-Authenticate", `Bearer realm="chainmatch", error="invalid_token"`)
			writeGraphQLError(w, r, http.StatusUnauthorized, apperr.Unauthenticated, "the credential in the Authorization header is not valid", nil)
			return
		case err != nil:
			log.WarnContext(r.Context(), "authentication unavailable", "err", err)
			writeGraphQLError(w, r, http.StatusServiceUnavailable, apperr.DatabaseUnavailable, "the database is unavailable; try again shortly", nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// rateLimiter keeps one token bucket per API key or JWT subject, and per
// client IP for anonymous callers.
type rateLimiter struct {
	limits map[auth.Role]RateLimit

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleBucket is how long an unused bucket is kept.
const idleBucket = 10 * time.Minute

func newRateLimiter(limits map[auth.Role]RateLimit) *rateLimiter {
	if limits == nil {
		limits = DefaultRateLimits
	}
	return &rateLimiter{limits: limits, buckets: map[string]*bucket{}, sweep: time.Now()}
}

// quota is the state of a caller's bucket after a request, for the IETF
// RateLimit header fields (draft-ietf-httpapi-ratelimit-headers).
type quota struct {
	limited   bool // false when the role has no limit
	limit     int  // the burst: requests allowed at once
	remaining int  // whole requests left now
	reset     int  // seconds until the bucket is full again
	perSecond float64
}

// wait returns 0 when the request may go ahead, or how long to wait, and
// the bucket's state afterwards.
func (l *rateLimiter) wait(key string, role auth.Role, now time.Time) (time.Duration, quota) {
	rl, ok := l.limits[role]
	if !ok || rl.PerSecond <= 0 {
		return 0, quota{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idleBucket {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(rl.PerSecond), max(rl.Burst, 1))}
		l.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d > 0 {
		res.CancelAt(now)
	}
	burst := max(rl.Burst, 1)
	tokens := max(b.lim.TokensAt(now), 0)
	q := quota{limited: true, limit: burst, remaining: int(math.Floor(tokens)), perSecond: rl.PerSecond,
		reset: int(math.Ceil((float64(burst) - tokens) / rl.PerSecond))}
	return d, q
}

// setHeaders writes the RateLimit fields of q.
func (q quota) setHeaders(h http.Header) {
	if !q.limited {
		return
	}
	h.Set("RateLimit-Limit", strconv.Itoa(q.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(q.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(q.reset))
	// The window in which the whole burst refills.
	h.Set("RateLimit-Policy", strconv.Itoa(q.limit)+";w="+strconv.Itoa(int(math.Ceil(float64(q.limit)/q.perSecond))))
}

func (l *rateLimiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.FromContext(r.Context())
		key := "key:" + p.ID
		if p.ID == "" {
			key = "ip:" + clientIP(r)
		}
		d, q := l.wait(key, p.Role, time.Now())
		q.setHeaders(w.Header())
		if d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeGraphQLError(w, r, http.StatusTooManyRequests, apperr.RateLimited,
				"rate limit exceeded; retry after "+strconv.Itoa(secs)+"s",
				map[string]any{"retryAfterSeconds": secs, "max": max(l.limits[p.Role].Burst, 1)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the connection's peer address. X-Forwarded-For is not
// trusted: behind a proxy, rate-limit anonymous callers at the proxy.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
