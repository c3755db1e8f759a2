package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

// TrustedDocuments is the trusted-documents mode: callers of the listed
// roles may run only registered operations, by hash
// (extensions.persistedQuery.sha256Hash) or by sending a registered
// document verbatim.
type TrustedDocuments struct {
	// Docs maps the hex SHA-256 of each document to the document.
	Docs map[string]string
	// Roles are the roles restricted to Docs (e.g. anonymous and partner).
	Roles map[auth.Role]bool
}

// LoadTrustedDocuments reads a manifest: a JSON object of sha256 -> document.
// Every key must be the hash of its document.
func LoadTrustedDocuments(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %w", err)
	}
	var docs map[string]string
	if err := json.Unmarshal(b, &docs); err != nil {
		return nil, fmt.Errorf("trusted documents %s: want a JSON object of sha256 -> document: %w", path, err)
	}
	for h, d := range docs {
		if documentHash(d) != h {
			return nil, fmt.Errorf("trusted documents %s: key %.16s... is not the sha256 of its document", path, h)
		}
	}
	return docs, nil
}

func documentHash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

func (TrustedDocuments) ExtensionName() string                   { return "TrustedDocuments" }
func (TrustedDocuments) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters replaces a hash with its registered document
// and refuses anything unregistered.
func (t TrustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if !t.Roles[auth.FromContext(ctx).Role] {
		return nil
	}
	refuse := &gqlerror.Error{
		Message:    "only registered operations are accepted from this caller; send extensions.persistedQuery.sha256Hash of a registered document",
		Extensions: map[string]any{"code": string(apperr.Forbidden), "reason": "TRUSTED_DOCUMENTS_ONLY"},
	}
	if p.Query != "" {
		if _, ok := t.Docs[documentHash(p.Query)]; !ok {
			return refuse
		}
		return nil
	}
	pq, _ := p.Extensions["persistedQuery"].(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	doc, ok := t.Docs[hash]
	if !ok {
		return refuse
	}
	p.Query = doc
	return nil
}
