package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	c, err := load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.Neo4jURI != "bolt://127.0.0.1:7687" || c.RequestTimeout != 30*time.Second || !c.Migrate || !c.Dev() {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if len(c.CORSOrigins) != 2 {
		t.Fatalf("cors origins %v", c.CORSOrigins)
	}
}

func TestLoadRejectsBadValuesTogether(t *testing.T) {
	env := map[string]string{"CHAINMATCH_MODE": "staging", "CHAINMATCH_READ_TIMEOUT": "soon", "CHAINMATCH_MAX_BODY_BYTES": "12"}
	_, err := load(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"CHAINMATCH_MODE", "CHAINMATCH_READ_TIMEOUT", "CHAINMATCH_MAX_BODY_BYTES"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestStringMasksSecrets(t *testing.T) {
	env := map[string]string{"NEO4J_PASSWORD": "hunter2", "CHAINMATCH_ADMIN_KEY": "cm_secret"}
	c, err := load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "hunter2") || strings.Contains(s, "cm_secret") {
		t.Fatalf("secret leaked: %s", s)
	}
}

func TestClusterURIsPassThroughUnchanged(t *testing.T) {
	for _, uri := range []string{"neo4j://core1:7687", "neo4j+s://abcd.databases.neo4j.io"} {
		c, err := load(func(k string) string {
			if k == "NEO4J_URI" {
				return uri
			}
			return ""
		})
		if err != nil || c.Neo4jURI != uri {
			t.Fatalf("uri %q -> %q, %v", uri, c.Neo4jURI, err)
		}
	}
}

func TestPprofOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:6060": true, "[::1]:6060": true, "localhost:6060": true,
		":6060": false, "0.0.0.0:6060": false, "10.0.0.5:6060": false, "127.0.0.1": false, "pprof": false,
	} {
		c, err := load(func(k string) string {
			if k == "CHAINMATCH_PPROF" {
				return addr
			}
			return ""
		})
		if ok && (err != nil || c.PprofAddr != addr) {
			t.Errorf("%q refused: %v", addr, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "CHAINMATCH_PPROF")) {
			t.Errorf("%q accepted (err %v)", addr, err)
		}
	}
}

func TestShutdownMustOutlastRequests(t *testing.T) {
	c, err := load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.ShutdownTimeout <= c.RequestTimeout {
		t.Fatalf("default shutdown %v does not outlast the request timeout %v", c.ShutdownTimeout, c.RequestTimeout)
	}
	for _, env := range []map[string]string{
		{"CHAINMATCH_SHUTDOWN_TIMEOUT": "20s"},
		{"CHAINMATCH_SHUTDOWN_TIMEOUT": "30s"},
		{"CHAINMATCH_REQUEST_TIMEOUT": "10s", "CHAINMATCH_SHUTDOWN_TIMEOUT": "5s"},
	} {
		_, err := load(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "CHAINMATCH_SHUTDOWN_TIMEOUT must be longer than CHAINMATCH_REQUEST_TIMEOUT") {
			t.Errorf("%v: err = %v", env, err)
		}
	}
	if _, err := load(func(k string) string {
		return map[string]string{"CHAINMATCH_REQUEST_TIMEOUT": "10s", "CHAINMATCH_SHUTDOWN_TIMEOUT": "11s"}[k]
	}); err != nil {
		t.Errorf("11s over 10s refused: %v", err)
	}
}

func TestWebhookSettings(t *testing.T) {
	c, err := load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookTimeout != 10*time.Second || c.WebhookConcurrency != 8 || c.WebhookRetryWindow != 24*time.Hour || c.WebhookAllowHosts != nil {
		t.Fatalf("webhook defaults %+v", c)
	}
	env := map[string]string{"CHAINMATCH_WEBHOOK_ALLOW_HOSTS": " 127.0.0.1:9000, hooks.internal ,", "CHAINMATCH_WEBHOOK_CONCURRENCY": "0"}
	if _, err := load(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "CHAINMATCH_WEBHOOK_CONCURRENCY") {
		t.Fatalf("concurrency 0: %v", err)
	}
	env["CHAINMATCH_WEBHOOK_CONCURRENCY"] = "2"
	c, err = load(func(k string) string { return env[k] })
	if err != nil || len(c.WebhookAllowHosts) != 2 || c.WebhookAllowHosts[1] != "hooks.internal" || c.WebhookConcurrency != 2 {
		t.Fatalf("allow hosts %q, %v", c.WebhookAllowHosts, err)
	}
}
