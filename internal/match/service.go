package match

// Service is the match business layer; see the package comment.
type Service struct{}
