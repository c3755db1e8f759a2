package main

import "testing"

// Answers are the same when every number agrees to a relative 1e-9 and
// everything else is equal.
func TestSameJSON(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{`[{"score":0.913386499229884,"id":"A"}]`, `[{"score":0.913386499229881,"id":"A"}]`, true},
		{`{"d":2.513807918221036}`, `{"d":2.5138079182214854}`, true},
		{`{"d":2.5138079}`, `{"d":2.5138080}`, false},
		{`[{"id":"A"},{"id":"B"}]`, `[{"id":"B"},{"id":"A"}]`, false},
		{`{"a":1}`, `{"a":1,"b":null}`, false},
		{`{"d":null}`, `{"d":0}`, false},
	} {
		if got := sameJSON([]byte(c.a), []byte(c.b)); got != c.same {
			t.Errorf("sameJSON(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}
