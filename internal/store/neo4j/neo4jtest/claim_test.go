package neo4jtest

import (
	"context"
	"strings"
	"testing"
)

// TestTheTestDatabaseCarriesTheMarker: a database the tests use is marked
// (so claim accepts it without NEO4JTEST_CLAIM).
func TestTheTestDatabaseCarriesTheMarker(t *testing.T) {
	s := Open(t)
	t.Setenv("NEO4JTEST_CLAIM", "")
	if err := claim(context.Background(), s, Config().URI); err != nil {
		t.Fatal(err)
	}
	marked, _, err := s.TestMarker(context.Background())
	if err != nil || !marked {
		t.Fatalf("marked=%v err=%v", marked, err)
	}
}

func TestRefusalNamesTheWayOut(t *testing.T) {
	err := refusal("bolt://127.0.0.1:7687")
	for _, want := range []string{"refusing to wipe", "bolt://127.0.0.1:7687", "TEST_NEO4J_URI", "NEO4JTEST_CLAIM=1", DefaultURI} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not mention %q", err, want)
		}
	}
}
