package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"chainmatch/internal/auth"
	"chainmatch/internal/config"
	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// snapshot is what a restore must bring back: counts of every label and
// relationship type, a page of enterprises with their details, the API keys
// and the audit trail.
type snapshot struct {
	Counts      neo4jstore.GraphCounts
	Enterprises []*enterprise.Enterprise
	Keys        []auth.APIKey
	Audit       []auth.AuditEntry
}

func takeSnapshot(t *testing.T, st *neo4jstore.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Counts, err = st.CountGraph(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := st.ListEnterprises(ctx, enterprise.ListQuery{Limit: 25, SkipTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	var usccs []string
	for _, e := range page.Enterprises {
		usccs = append(usccs, e.USCC)
	}
	if s.Enterprises, err = st.EnterprisesByUSCC(ctx, usccs); err != nil {
		t.Fatal(err)
	}
	if s.Keys, err = st.APIKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Audit, _, err = st.AuditLog(ctx, 100, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// backupScript runs scripts/backup.sh for the server on port with data dir.
func backupScript(t *testing.T, port int, data string, args ...string) string {
	t.Helper()
	root, _ := filepath.Abs("../..")
	cmd := exec.Command(filepath.Join(root, "scripts/backup.sh"), args...)
	cmd.Env = append(os.Environ(), "NEO4J_BOLT_PORT="+strconv.Itoa(port), "NEO4J_DATA_DIR="+data,
		"NEO4J_HEAP=512m", "NEO4J_PAGECACHE=64m", "NEO4J_START_TIMEOUT=400")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("backup.sh %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestBackupRestore dumps a database with `scripts/backup.sh backup`
// (neo4j-admin database dump), restores it into a fresh database with
// `scripts/backup.sh restore` (neo4j-admin database load) and compares
// node and relationship counts, a page of enterprise records, API keys and
// the audit trail; the restored schema is recognised as migrated.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := func(port int) *neo4jstore.Store {
		t.Helper()
		t.Setenv("NEO4J_URI", "bolt://127.0.0.1:"+strconv.Itoa(port))
		t.Setenv("NEO4J_PASSWORD", "chainmatch-dev")
		cfg, err := config.Load()
		if err != nil {
			t.Fatal(err)
		}
		st, err := openStore(cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	src := &localNeo4j{t: t, port: freePort(t), data: t.TempDir()}
	src.script("start")
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			src.script("stop")
		}
	})
	st := open(src.port)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, st, demo.Options{Scale: 100}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := st.CreateAPIKey(ctx, auth.APIKey{ID: "k-backup", Name: "backup test", Role: auth.Partner, Prefix: "cm_k-backup", Salt: "00", Hash: "h", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendAudit(ctx, []auth.AuditEntry{{ID: "a-backup", At: now, ActorID: "k-backup", ActorRole: auth.Admin, OperationName: "Upsert", Field: "upsertEnterprise", ArgumentIDs: []string{"x"}, ResultIDs: []string{"y"}, OK: true, RequestID: "r"}}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, st)
	st.Close(ctx)
	if before.Counts.TotalNodes() == 0 || before.Counts.TotalRelationships() == 0 || len(before.Enterprises) == 0 {
		t.Fatalf("nothing to back up: %+v", before.Counts)
	}

	// Community dumps a stopped database; the script stops a running one
	// itself and starts it again (covered by make backup); here the
	// source is stopped first so that only one Neo4j runs at a time.
	src.script("stop")
	stopped = true
	dump := filepath.Join(t.TempDir(), "chainmatch.dump")
	t.Log(backupScript(t, src.port, src.data, "backup", dump))

	dst := &localNeo4j{t: t, port: freePort(t), data: t.TempDir()}
	t.Log(backupScript(t, dst.port, dst.data, "restore", dump))
	dst.script("start")
	t.Cleanup(func() { dst.script("stop") })
	st = open(dst.port)
	defer st.Close(ctx)
	if err := st.CheckMigrated(ctx); err != nil {
		t.Fatalf("restored schema: %v", err)
	}
	after := takeSnapshot(t, st)
	if !reflect.DeepEqual(before.Counts, after.Counts) {
		t.Errorf("counts differ:\nbefore %+v\nafter  %+v", before.Counts, after.Counts)
	}
	if !reflect.DeepEqual(before.Enterprises, after.Enterprises) {
		t.Errorf("enterprise records differ after restore")
	}
	if !reflect.DeepEqual(before.Keys, after.Keys) || !reflect.DeepEqual(before.Audit, after.Audit) {
		t.Errorf("API keys or audit differ:\nbefore %+v %+v\nafter  %+v %+v", before.Keys, before.Audit, after.Keys, after.Audit)
	}
	t.Logf("restored %d nodes, %d relationships, %d sampled firms", after.Counts.TotalNodes(), after.Counts.TotalRelationships(), len(after.Enterprises))
}
