package matchindex

import (
	"hash/maphash"
	"testing"
)

// Two USCCs with one hash (forced here: with 64-bit hashes it practically
// never happens) still find their own firms: the lookup checks the stored
// USCC and the second goes to the side map.
func TestLookupSurvivesAHashClash(t *testing.T) {
	st := newState(Head{}, Catalog{})
	a, b := "91330400MA2B000001", "91330400MA2B000002"
	ia := st.firmID(a)
	st.byHash[maphash.String(st.seed, b)] = ia // b's hash now names a
	ib := st.firmID(b)
	if ib == ia {
		t.Fatal("the second USCC took the first one's firm")
	}
	for u, want := range map[string]int32{a: ia, b: ib} {
		if got, ok := st.lookup(u); !ok || got != want || st.usccOf(got) != u {
			t.Fatalf("lookup(%s) = %d %v, want %d", u, got, ok, want)
		}
	}
	if _, ok := st.lookup("91330400MA2B000003"); ok {
		t.Fatal("an unknown USCC was found")
	}
}
