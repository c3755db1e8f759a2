package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
)

const (
	qAppendAudit = `UNWIND $entries AS e
		CREATE (a:AuditEntry {id: e.id, at: e.at, actorId: e.actorId, actorRole: e.actorRole,
			operationName: e.operationName, field: e.field, argumentIds: e.argumentIds,
			resultIds: e.resultIds, ok: e.ok, errorCode: e.errorCode, requestId: e.requestId})`
	qAuditEntry = `MATCH (a:AuditEntry {id: $id}) RETURN a`
	qAuditLog   = `MATCH (a:AuditEntry)
		WHERE $afterAt IS NULL OR a.at < $afterAt OR (a.at = $afterAt AND a.id < $afterId)
		RETURN a ORDER BY a.at DESC, a.id DESC LIMIT $limit`
	// qPurgeAudit is the only statement that deletes audit entries; it
	// backs the explicit, logged admin purge (auth.Service.PurgeAudit).
	qPurgeAudit = `MATCH (a:AuditEntry) WHERE a.at < $before
		DELETE a RETURN count(a) AS purged`
)

// PurgeAuditBefore deletes the audit entries recorded before before and
// returns how many it deleted (idempotent: a retry deletes none twice).
func (s *Store) PurgeAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, qPurgeAudit, map[string]any{"before": before.UTC()})
		if err != nil || rec == nil {
			return 0, err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "purged")
		return n, err
	})
}

// AppendAudit writes audit entries in one transaction.
func (s *Store) AppendAudit(ctx context.Context, entries []auth.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([]any, len(entries))
	for i, e := range entries {
		rows[i] = map[string]any{
			"id": e.ID, "at": e.At.UTC(), "actorId": e.ActorID, "actorRole": string(e.ActorRole),
			"operationName": e.OperationName, "field": e.Field,
			"argumentIds": stringsParam(e.ArgumentIDs), "resultIds": stringsParam(e.ResultIDs),
			"ok": e.OK, "errorCode": e.ErrorCode, "requestId": e.RequestID,
		}
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, qAppendAudit, map[string]any{"entries": rows})
		return struct{}{}, err
	})
	return err
}

// AuditEntry returns the entry with this id or apperr.ErrNotFound.
func (s *Store) AuditEntry(ctx context.Context, id string) (auth.AuditEntry, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (auth.AuditEntry, error) {
		rec, err := single(ctx, tx, qAuditEntry, map[string]any{"id": id})
		if err != nil {
			return auth.AuditEntry{}, err
		}
		if rec == nil {
			return auth.AuditEntry{}, apperr.ErrNotFound
		}
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "a")
		if err != nil {
			return auth.AuditEntry{}, err
		}
		return auditEntryFrom(n), nil
	})
}

// AuditLog returns up to first entries after the cursor, newest first.
func (s *Store) AuditLog(ctx context.Context, first int, after *auth.AuditCursor) ([]auth.AuditEntry, bool, error) {
	params := map[string]any{"limit": first + 1, "afterAt": nil, "afterId": ""}
	if after != nil {
		params["afterAt"], params["afterId"] = after.At.UTC(), after.ID
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]auth.AuditEntry, error) {
		recs, err := run(ctx, tx, qAuditLog, params)
		if err != nil {
			return nil, err
		}
		es := make([]auth.AuditEntry, 0, len(recs))
		for _, r := range recs {
			n, _, err := neo4j.GetRecordValue[dbtype.Node](r, "a")
			if err != nil {
				return nil, err
			}
			es = append(es, auditEntryFrom(n))
		}
		return es, nil
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > first
	if more {
		out = out[:first]
	}
	return out, more, nil
}

func auditEntryFrom(n dbtype.Node) auth.AuditEntry {
	str := func(name string) string { v, _ := neo4j.GetProperty[string](n, name); return v }
	list := func(name string) []string {
		vs, _ := neo4j.GetProperty[[]any](n, name)
		out := make([]string, 0, len(vs))
		for _, v := range vs {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	at, _ := neo4j.GetProperty[time.Time](n, "at")
	ok, _ := neo4j.GetProperty[bool](n, "ok")
	return auth.AuditEntry{
		ID: str("id"), At: at.UTC(), ActorID: str("actorId"), ActorRole: auth.Role(str("actorRole")),
		OperationName: str("operationName"), Field: str("field"),
		ArgumentIDs: list("argumentIds"), ResultIDs: list("resultIds"),
		OK: ok, ErrorCode: str("errorCode"), RequestID: str("requestId"),
	}
}

// stringsParam keeps an empty list a list (not null) in Neo4j.
func stringsParam(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
