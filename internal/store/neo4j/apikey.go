package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

const (
	qCreateAPIKey = `CREATE (k:ApiKey {id: $id, name: $name, role: $role, prefix: $prefix,
		salt: $salt, hash: $hash, createdAt: $createdAt})`
	qAPIKey    = `MATCH (k:ApiKey {id: $id}) RETURN k`
	qAPIKeys   = `MATCH (k:ApiKey) RETURN k ORDER BY k.createdAt DESC, k.id`
	qRevokeKey = `MATCH (k:ApiKey {id: $id}) SET k.revokedAt = coalesce(k.revokedAt, $at) RETURN k`
	qTouchKey  = `MATCH (k:ApiKey {id: $id}) SET k.lastUsedAt = $at`
)

// CreateAPIKey stores a new key (its hash and salt, never the secret).
func (s *Store) CreateAPIKey(ctx context.Context, k auth.APIKey) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qCreateAPIKey, map[string]any{
			"id": k.ID, "name": k.Name, "role": string(k.Role), "prefix": k.Prefix,
			"salt": k.Salt, "hash": k.Hash, "createdAt": k.CreatedAt.UTC(),
		})
		return struct{}{}, err
	})
	return err
}

// APIKey returns the key with this id or apperr.ErrNotFound.
func (s *Store) APIKey(ctx context.Context, id string) (auth.APIKey, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (auth.APIKey, error) {
		rec, err := single(ctx, tx, qAPIKey, map[string]any{"id": id})
		if err != nil {
			return auth.APIKey{}, err
		}
		if rec == nil {
			return auth.APIKey{}, apperr.ErrNotFound
		}
		return apiKeyFrom(rec)
	})
}

// APIKeys returns every key, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]auth.APIKey, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]auth.APIKey, error) {
		recs, err := run(ctx, tx, qAPIKeys, nil)
		if err != nil {
			return nil, err
		}
		out := make([]auth.APIKey, 0, len(recs))
		for _, r := range recs {
			k, err := apiKeyFrom(r)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, nil
	})
}

// RevokeAPIKey marks the key revoked, keeping an earlier revocation time.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) (auth.APIKey, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (auth.APIKey, error) {
		rec, err := single(ctx, tx, qRevokeKey, map[string]any{"id": id, "at": at.UTC()})
		if err != nil {
			return auth.APIKey{}, err
		}
		if rec == nil {
			return auth.APIKey{}, apperr.ErrNotFound
		}
		return apiKeyFrom(rec)
	})
}

// TouchAPIKey sets lastUsedAt.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qTouchKey, map[string]any{"id": id, "at": at.UTC()})
		return struct{}{}, err
	})
	return err
}

func apiKeyFrom(rec *neo4j.Record) (auth.APIKey, error) {
	n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "k")
	if err != nil {
		return auth.APIKey{}, err
	}
	var k auth.APIKey
	var role string
	for name, dst := range map[string]*string{"id": &k.ID, "name": &k.Name, "role": &role, "prefix": &k.Prefix, "salt": &k.Salt, "hash": &k.Hash} {
		if *dst, err = neo4j.GetProperty[string](n, name); err != nil {
			return auth.APIKey{}, fmt.Errorf("api key %s: %w", name, err)
		}
	}
	k.Role = auth.Role(role)
	if k.CreatedAt, err = neo4j.GetProperty[time.Time](n, "createdAt"); err != nil {
		return auth.APIKey{}, fmt.Errorf("api key createdAt: %w", err)
	}
	k.LastUsedAt = optionalTime(n, "lastUsedAt")
	k.RevokedAt = optionalTime(n, "revokedAt")
	return k, nil
}

func optionalTime(n dbtype.Node, name string) *time.Time {
	t, err := neo4j.GetProperty[time.Time](n, name)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}
