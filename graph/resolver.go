// Package graph holds chainmatch's GraphQL contract (*.graphqls) and its
// resolvers. Resolvers are adapters only: parse arguments, call one service
// method or per-request loader, convert. No Cypher, sessions or scoring here.
package graph

//go:generate go run github.com/99designs/gqlgen generate

// Resolver holds the services the resolvers call. It is wired by hand in
// cmd/chainmatch and never regenerated.
type Resolver struct{}
