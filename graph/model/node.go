// Package model holds the GraphQL-only types that have no domain
// counterpart (connections, edges, inputs); gqlgen writes models_gen.go.
package model

// Node is any object with a global id. The GraphQL types bind to domain
// structs from internal/*, which know nothing of GraphQL, so the interface
// asks nothing of them; gqlgen dispatches on the concrete type.
type Node interface{}
