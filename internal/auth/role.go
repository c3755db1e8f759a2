// Package auth decides who a caller is (API key or JWT) and what the
// caller's role allows. Authorization decisions are made here and in the
// services, never in resolvers.
package auth

import "context"

// Role is a caller's role. Values equal the GraphQL enum; order matters:
// each role includes everything the roles below it may do.
type Role string

// The roles, lowest first.
const (
	Anonymous Role = "ANONYMOUS"
	Partner   Role = "PARTNER"
	Staff     Role = "STAFF"
	Admin     Role = "ADMIN"
)

var rank = map[Role]int{Anonymous: 0, Partner: 1, Staff: 2, Admin: 3}

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool { _, ok := rank[r]; return ok }

// AtLeast reports whether r includes min.
func (r Role) AtLeast(min Role) bool { return rank[r] >= rank[min] }

// Principal is the authenticated caller.
type Principal struct {
	// ID identifies the credential (API key id or JWT subject); "" for anonymous.
	ID   string
	Name string
	Role Role
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller, anonymous when none was set.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Role: Anonymous}
}
