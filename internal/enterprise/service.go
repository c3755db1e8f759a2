package enterprise

// Service is the enterprise business layer; see the package comment.
type Service struct{}
