package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/apperr"
)

// migration is one versioned schema step. Statements must be idempotent
// (IF NOT EXISTS): a crash between applying and recording is then harmless.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations is append-only: never edit a released step, add a new one.
var migrations = []migration{
	{1, "natural keys", []string{
		`CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE`,
		`CREATE CONSTRAINT enterprise_uscc IF NOT EXISTS FOR (e:Enterprise) REQUIRE e.uscc IS UNIQUE`,
		`CREATE CONSTRAINT product_code IF NOT EXISTS FOR (p:Product) REQUIRE p.code IS UNIQUE`,
		`CREATE CONSTRAINT chain_code IF NOT EXISTS FOR (c:IndustrialChain) REQUIRE c.code IS UNIQUE`,
		`CREATE CONSTRAINT segment_code IF NOT EXISTS FOR (s:ChainSegment) REQUIRE s.code IS UNIQUE`,
		`CREATE CONSTRAINT district_code IF NOT EXISTS FOR (d:District) REQUIRE d.code IS UNIQUE`,
		`CREATE CONSTRAINT park_code IF NOT EXISTS FOR (p:Park) REQUIRE p.code IS UNIQUE`,
		`CREATE CONSTRAINT incentive_code IF NOT EXISTS FOR (i:Incentive) REQUIRE i.code IS UNIQUE`,
		`CREATE CONSTRAINT designation_code IF NOT EXISTS FOR (d:Designation) REQUIRE d.code IS UNIQUE`,
	}},
	{2, "browse and search indexes", []string{
		`CREATE INDEX enterprise_name IF NOT EXISTS FOR (e:Enterprise) ON (e.name)`,
		`CREATE INDEX enterprise_is_local IF NOT EXISTS FOR (e:Enterprise) ON (e.isLocal)`,
		`CREATE INDEX enterprise_founded IF NOT EXISTS FOR (e:Enterprise) ON (e.founded)`,
		`CREATE INDEX enterprise_data_source IF NOT EXISTS FOR (e:Enterprise) ON (e.dataSource)`,
		`CREATE POINT INDEX enterprise_location IF NOT EXISTS FOR (e:Enterprise) ON (e.location)`,
		qCreateNameSearchIndex,
	}},
	{3, "api keys and audit trail", []string{
		`CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE`,
		`CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE`,
		`CREATE INDEX audit_entry_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at)`,
	}},
	{4, "search keys and synonyms", []string{
		// searchKeys (internal/textkey) hold lower-case tokens separated by
		// spaces: the whitespace analyzer keeps them as they are.
		`CREATE FULLTEXT INDEX search_keys_catalog IF NOT EXISTS
		   FOR (n:Product|IndustrialChain) ON EACH [n.searchKeys]
		   OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'whitespace'}}`,
		`CREATE FULLTEXT INDEX search_keys_firm IF NOT EXISTS
		   FOR (n:Enterprise) ON EACH [n.searchKeys]
		   OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'whitespace'}}`,
		`CREATE INDEX search_synonym_term IF NOT EXISTS FOR (s:SearchSynonym) ON (s.term)`,
		`CREATE INDEX search_synonym_group IF NOT EXISTS FOR (s:SearchSynonym) ON (s.group)`,
	}},
	{5, "lead pipeline", []string{
		`CREATE CONSTRAINT lead_id IF NOT EXISTS FOR (l:Lead) REQUIRE l.id IS UNIQUE`,
		// One open lead per enterprise: openFor is its USCC while open.
		`CREATE CONSTRAINT lead_open_for IF NOT EXISTS FOR (l:Lead) REQUIRE l.openFor IS UNIQUE`,
		`CREATE CONSTRAINT lead_activity_id IF NOT EXISTS FOR (a:LeadActivity) REQUIRE a.id IS UNIQUE`,
		`CREATE CONSTRAINT lead_stage_change_id IF NOT EXISTS FOR (s:LeadStageChange) REQUIRE s.id IS UNIQUE`,
		`CREATE INDEX lead_created_at IF NOT EXISTS FOR (l:Lead) ON (l.createdAt)`,
	}},
	{6, "change log", []string{
		`CREATE CONSTRAINT change_event_id IF NOT EXISTS FOR (e:ChangeEvent) REQUIRE e.id IS UNIQUE`,
		// Unique, so that the log can never hold two events at one
		// position; its index serves paging by seq.
		`CREATE CONSTRAINT change_event_seq IF NOT EXISTS FOR (e:ChangeEvent) REQUIRE e.seq IS UNIQUE`,
		`CREATE INDEX change_event_at IF NOT EXISTS FOR (e:ChangeEvent) ON (e.at)`,
		// MERGE on the single counter and on consumers' cursors is safe
		// under concurrency only on a unique key.
		`CREATE CONSTRAINT change_counter_name IF NOT EXISTS FOR (c:ChangeCounter) REQUIRE c.name IS UNIQUE`,
		`CREATE CONSTRAINT change_cursor_name IF NOT EXISTS FOR (c:ChangeCursor) REQUIRE c.name IS UNIQUE`,
	}},
	{7, "webhooks and their outbox", []string{
		`CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.id IS UNIQUE`,
		`CREATE INDEX webhook_owner IF NOT EXISTS FOR (w:Webhook) ON (w.ownerId)`,
		`CREATE CONSTRAINT webhook_delivery_key IF NOT EXISTS FOR (d:WebhookDelivery) REQUIRE d.key IS UNIQUE`,
		// The worker's claim: PENDING rows by due time.
		`CREATE INDEX webhook_delivery_due IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.status, d.at)`,
		// A webhook's delivery log, newest first.
		`CREATE INDEX webhook_delivery_log IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.webhookId, d.at)`,
	}},
	{8, "saved searches and match alerts", []string{
		`CREATE CONSTRAINT saved_search_id IF NOT EXISTS FOR (s:SavedSearch) REQUIRE s.id IS UNIQUE`,
		`CREATE INDEX saved_search_owner_created IF NOT EXISTS FOR (s:SavedSearch) ON (s.ownerId, s.createdAt)`,
		`CREATE INDEX saved_search_created IF NOT EXISTS FOR (s:SavedSearch) ON (s.createdAt)`,
		`CREATE CONSTRAINT match_alert_id IF NOT EXISTS FOR (a:MatchAlert) REQUIRE a.id IS UNIQUE`,
		// One alert per saved search and candidate: key = searchId|uscc.
		`CREATE CONSTRAINT match_alert_key IF NOT EXISTS FOR (a:MatchAlert) REQUIRE a.key IS UNIQUE`,
		`CREATE INDEX match_alert_owner_created IF NOT EXISTS FOR (a:MatchAlert) ON (a.ownerId, a.createdAt)`,
		`CREATE INDEX match_alert_cause_seq IF NOT EXISTS FOR (a:MatchAlert) ON (a.causeSeq)`,
	}},
	{9, "match alerts by candidate", []string{
		// Deleting a firm deletes the alerts about it (DeleteEnterprise).
		`CREATE INDEX match_alert_candidate IF NOT EXISTS FOR (a:MatchAlert) ON (a.candidate)`,
	}},
	{10, "catalogue searched in memory", []string{
		// The search service matches key queries against the catalogue's
		// chains and products in memory (docs/search.md); its full-text
		// index of migration 4 has no reader left.
		`DROP INDEX search_keys_catalog IF EXISTS`,
	}},
}

// The CJK full-text index over enterprise, product and chain names that
// Search queries. Migration 2 creates it; a fresh bulk load drops it and
// builds it again from this same definition after writing the enterprises
// (bulk.go), and Migrate recreates it if such a load was killed between
// the two.
const (
	nameSearchIndex        = "name_search"
	qCreateNameSearchIndex = `CREATE FULLTEXT INDEX name_search IF NOT EXISTS
		   FOR (n:Enterprise|Product|IndustrialChain) ON EACH [n.name, n.nameEn, n.uscc]
		   OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'cjk'}}`
	qDropNameSearchIndex = `DROP INDEX name_search IF EXISTS`
	qIndexState          = `SHOW INDEXES YIELD name, state WHERE name = $name RETURN state`
)

// LatestMigration is the schema version this build needs.
func LatestMigration() int { return migrations[len(migrations)-1].version }

const (
	qAppliedVersions = `MATCH (m:Migration) RETURN m.version AS version`
	qRecordMigration = `MERGE (m:Migration {version: $version})
		ON CREATE SET m.name = $name, m.appliedAt = datetime($at)`
)

// Migrate applies every migration not yet recorded in the graph, in order,
// and records each. Safe to run concurrently from several replicas: every
// statement is idempotent and the record is a MERGE on a unique version.
func (s *Store) Migrate(ctx context.Context) (applied []int, err error) {
	done := map[int]bool{}
	// Before migration 1 there is no constraint; reading is still fine.
	versions, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]int, error) {
		recs, err := run(ctx, tx, qAppliedVersions, nil)
		if err != nil {
			return nil, err
		}
		out := make([]int, 0, len(recs))
		for _, r := range recs {
			v, _, err := neo4j.GetRecordValue[int64](r, "version")
			if err != nil {
				return nil, err
			}
			out = append(out, int(v))
		}
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	for _, v := range versions {
		done[v] = true
	}
	for _, m := range migrations {
		if done[m.version] {
			continue
		}
		// Schema statements cannot share a transaction with data writes,
		// so each runs in its own and the record comes last.
		for _, stmt := range m.statements {
			if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				_, err := run(ctx, tx, stmt, nil)
				return struct{}{}, err
			}); err != nil && !createdConcurrently(err) {
				return applied, fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
		}
		if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := run(ctx, tx, qRecordMigration, map[string]any{
				"version": m.version, "name": m.name, "at": time.Now().UTC().Format(time.RFC3339),
			})
			return struct{}{}, err
		}); err != nil {
			return applied, fmt.Errorf("record migration %d: %w", m.version, err)
		}
		applied = append(applied, m.version)
	}
	// Puts the full-text index back if a fresh bulk load was killed between
	// dropping and rebuilding it; a no-op otherwise.
	if err := s.schemaWrite(ctx, qCreateNameSearchIndex); err != nil {
		return applied, fmt.Errorf("restore full-text index %s: %w", nameSearchIndex, err)
	}
	if err := s.awaitIndexes(ctx); err != nil {
		return applied, err
	}
	if _, err := s.RekeyNames(ctx); err != nil {
		return applied, err
	}
	s.migrated.Store(true)
	return applied, nil
}

// createdConcurrently reports the error Neo4j gives an `IF NOT EXISTS`
// schema statement that raced another replica creating the same index or
// constraint: the schema is as the migration wants it, so it is success.
func createdConcurrently(err error) bool {
	var nerr *neo4j.Neo4jError
	if !errors.As(err, &nerr) {
		return false
	}
	switch nerr.Code {
	case "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
		"Neo.ClientError.Schema.IndexAlreadyExists",
		"Neo.ClientError.Schema.ConstraintAlreadyExists",
		"Neo.ClientError.Schema.IndexWithNameAlreadyExists",
		"Neo.ClientError.Schema.ConstraintWithNameAlreadyExists":
		return true
	}
	return false
}

// awaitIndexes waits until freshly created indexes are online, so that the
// first queries after a migration use them.
func (s *Store) awaitIndexes(ctx context.Context) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, `CALL db.awaitIndexes(60)`, nil)
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
}

// schemaWrite runs one schema statement in its own write transaction.
func (s *Store) schemaWrite(ctx context.Context, stmt string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, stmt, nil)
		return struct{}{}, err
	})
	return err
}

// indexState returns the state of the named index (ONLINE, POPULATING or
// FAILED), or "" when there is no such index.
func (s *Store) indexState(ctx context.Context, name string) (string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		rec, err := single(ctx, tx, qIndexState, map[string]any{"name": name})
		if err != nil || rec == nil {
			return "", err
		}
		state, _, err := neo4j.GetRecordValue[string](rec, "state")
		return state, err
	})
}

// indexPollPatience is how long awaitIndexOnline retries a failing
// status poll.
const indexPollPatience = 5 * time.Minute

// awaitIndexOnline polls the named index until it is ONLINE. It fails when
// the index is missing or FAILED, or when ctx ends first. A poll that
// fails transiently (the status statement timed out or the database was
// briefly unavailable, as under the load of populating a large index) is
// retried for up to indexPollPatience in a row.
func (s *Store) awaitIndexOnline(ctx context.Context, name string) error {
	var failingSince time.Time
	for {
		state, err := s.indexState(ctx, name)
		switch {
		case err == nil:
			failingSince = time.Time{}
		case errors.Is(err, apperr.ErrUnavailable) && ctx.Err() == nil:
			if failingSince.IsZero() {
				failingSince = time.Now()
			}
			if time.Since(failingSince) < indexPollPatience {
				state = "POLL FAILED"
				break
			}
			fallthrough
		default:
			return fmt.Errorf("index %s: %w", name, err)
		}
		switch state {
		case "ONLINE":
			return nil
		case "", "FAILED":
			return fmt.Errorf("index %s is %s", name, cmp.Or(state, "missing"))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index %s still %s: %w", name, state, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// CheckMigrated marks the store ready when the graph already records every
// migration of this build and the full-text index is online (used by
// replicas that do not migrate themselves; a fresh bulk load rebuilds that
// index, see LoadGraph).
func (s *Store) CheckMigrated(ctx context.Context) error {
	latest, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		rec, err := single(ctx, tx, `MATCH (m:Migration) RETURN coalesce(max(m.version), 0) AS v`, nil)
		if err != nil || rec == nil {
			return 0, err
		}
		v, _, err := neo4j.GetRecordValue[int64](rec, "v")
		return v, err
	})
	if err != nil {
		return err
	}
	if int(latest) < LatestMigration() {
		return fmt.Errorf("graph is at schema version %d, this build needs %d: run `chainmatch migrate`", latest, LatestMigration())
	}
	state, err := s.indexState(ctx, nameSearchIndex)
	if err != nil {
		return err
	}
	if state != "ONLINE" {
		return fmt.Errorf("full-text index %s is %s: wait for the bulk load that rebuilds it, or run `chainmatch migrate`",
			nameSearchIndex, cmp.Or(state, "missing"))
	}
	s.migrated.Store(true)
	return nil
}
