package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"chainmatch/internal/apperr"
)

// AuditEntry records one attempted write: who, what, when, which ids it
// named and which it returned, and whether it succeeded.
type AuditEntry struct {
	ID            string
	At            time.Time
	ActorID       string // principal id; "" for anonymous
	ActorRole     Role
	OperationName string
	// Field is the mutation field, e.g. "upsertEnterprise".
	Field string
	// ArgumentIDs are the ids and natural keys named in the arguments.
	ArgumentIDs []string
	// ResultIDs are the ids found in the mutation's result.
	ResultIDs []string
	OK        bool
	ErrorCode string // contract code of the first error, when not OK
	RequestID string
}

// AuditCursor addresses a position in the newest-first audit log.
type AuditCursor struct {
	At time.Time
	ID string
}

// Encode returns the opaque cursor.
func (c AuditCursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + ":" + c.ID))
}

// DecodeAuditCursor parses a cursor made by Encode.
func DecodeAuditCursor(s string) (AuditCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return AuditCursor{}, apperr.Invalid("after", "not a cursor of this list")
	}
	ns, id, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return AuditCursor{}, apperr.Invalid("after", "not a cursor of this list")
	}
	return AuditCursor{At: time.Unix(0, n).UTC(), ID: id}, nil
}

// Record appends entries to the audit trail, stamping ids and times. It is
// called by the GraphQL layer for every mutation, not by services.
func (s *Service) Record(ctx context.Context, entries []AuditEntry) error {
	now := s.now().UTC()
	for i := range entries {
		var b [8]byte
		_, _ = rand.Read(b[:])
		entries[i].ID = hex.EncodeToString(b[:])
		if entries[i].At.IsZero() {
			entries[i].At = now
		}
	}
	if err := s.store.AppendAudit(ctx, entries); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// AuditEntry returns the entry with this id (admin only); nil when none
// exists.
func (s *Service) AuditEntry(ctx context.Context, id string) (*AuditEntry, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	e, err := s.store.AuditEntry(ctx, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// AuditPage is one page of the audit log.
type AuditPage struct {
	Entries     []AuditEntry
	HasNextPage bool
}

// AuditLog returns the newest entries first (admin only); first is 1..100.
func (s *Service) AuditLog(ctx context.Context, first int, after *string) (AuditPage, error) {
	if err := requireAdmin(ctx); err != nil {
		return AuditPage{}, err
	}
	if first < 1 || first > 100 {
		return AuditPage{}, apperr.OutOfRange("first", 1, 100, "must be 1..100")
	}
	var cur *AuditCursor
	if after != nil {
		c, err := DecodeAuditCursor(*after)
		if err != nil {
			return AuditPage{}, err
		}
		cur = &c
	}
	es, more, err := s.store.AuditLog(ctx, first, cur)
	if err != nil {
		return AuditPage{}, err
	}
	return AuditPage{Entries: es, HasNextPage: more}, nil
}

// PurgeField is the audit entry's Field of an audit purge.
const PurgeField = "auditPurge"

// PurgeAudit deletes the audit entries older than before: the trail is
// append-only, and this explicit admin action (`chainmatch audit purge`) is
// the only way anything leaves it. The purge is logged and itself appended
// to the trail (who, up to when, why, how many), after the deletion, so it
// cannot purge its own record. before may not lie in the future and a
// reason is required.
func (s *Service) PurgeAudit(ctx context.Context, before time.Time, reason string) (int64, error) {
	if err := requireAdmin(ctx); err != nil {
		return 0, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return 0, apperr.Invalid("reason", "say why the audit entries are purged")
	}
	now := s.now().UTC()
	if before.After(now) {
		return 0, apperr.Invalid("before", "must not be in the future")
	}
	p := FromContext(ctx)
	n, err := s.store.PurgeAuditBefore(ctx, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge audit: %w", err)
	}
	s.cfg.Log.WarnContext(ctx, "audit purge", "before", before.UTC().Format(time.RFC3339), "purged", n,
		"reason", reason, "actor", p.ID, "actor_name", p.Name)
	entry := AuditEntry{ActorID: p.ID, ActorRole: p.Role, OperationName: reason, Field: PurgeField,
		ArgumentIDs: []string{before.UTC().Format(time.RFC3339)}, ResultIDs: []string{strconv.FormatInt(n, 10)}, OK: true}
	if err := s.Record(ctx, []AuditEntry{entry}); err != nil {
		return n, fmt.Errorf("record the purge of %d audit entries: %w", n, err)
	}
	return n, nil
}
