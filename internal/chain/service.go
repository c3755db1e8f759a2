package chain

// Service is the chain business layer; see the package comment.
type Service struct{}
