package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"

	"chainmatch/internal/demo"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
)

// EnterpriseDetails folds six one-part reads into one statement; on a demo
// graph it must give exactly what those reads give, in their orders, for
// every enterprise and for any subset of parts.
func TestEnterpriseDetailsEqualTheOnePartReads(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s, demo.Options{Scale: 300}); err != nil {
		t.Fatal(err)
	}
	page, err := s.ListEnterprises(ctx, enterprise.ListQuery{Order: enterprise.Order{Field: enterprise.OrderByUSCC}, Limit: 300, SkipTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	usccs := []string{"911111111111111111"} // unknown: the zero detail
	for _, e := range page.Enterprises {
		usccs = append(usccs, e.USCC)
	}

	all := enterprise.Projection{Designations: true, District: true, Park: true, Chains: true, Offers: true, Needs: true}
	got, err := s.EnterpriseDetails(ctx, usccs, all)
	if err != nil {
		t.Fatal(err)
	}
	want := onePartDetails(t, s, usccs)
	nonEmpty := map[string]int{}
	for i, u := range usccs {
		g, w := got[i], want[i]
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s:\n got %+v\nwant %+v", u, g, w)
		}
		if len(g.Designations) > 1 {
			nonEmpty["several designations"]++
		}
		if g.Park != nil {
			nonEmpty["park"]++
		}
		if len(g.Chains) > 0 {
			nonEmpty["chains"]++
		}
		if len(g.Offers) > 1 && len(g.Needs) > 0 {
			nonEmpty["offers and needs"]++
		}
	}
	if len(nonEmpty) != 4 {
		t.Fatalf("the demo graph does not exercise every part: %v", nonEmpty)
	}
	if !reflect.DeepEqual(got[0], enterprise.Detail{}) {
		t.Fatalf("unknown USCC: %+v", got[0])
	}

	// A subset reads only its parts.
	some, err := s.EnterpriseDetails(ctx, usccs, enterprise.Projection{District: true, Needs: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range usccs {
		w := enterprise.Detail{District: want[i].District, Needs: want[i].Needs}
		for _, p := range want[i].Products[len(want[i].Offers):] {
			w.Products = append(w.Products, p)
		}
		if i == 0 {
			w = enterprise.Detail{}
		}
		if !reflect.DeepEqual(some[i], w) {
			t.Fatalf("%s, district and needs only:\n got %+v\nwant %+v", usccs[i], some[i], w)
		}
	}
	if none, err := s.EnterpriseDetails(ctx, usccs, enterprise.Projection{}); err != nil || len(none) != len(usccs) {
		t.Fatalf("nothing wanted: %d details, %v", len(none), err)
	}
}

// The supplier and customer windows folded into EnterpriseDetails equal
// SupplyWindows' answers, with and without a cursor, on both sides.
func TestEnterpriseDetailsSupplyWindowsEqualSupplyWindows(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s, demo.Options{Scale: 300}); err != nil {
		t.Fatal(err)
	}
	page, err := s.ListEnterprises(ctx, enterprise.ListQuery{Order: enterprise.Order{Field: enterprise.OrderByUSCC}, Limit: 80, SkipTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	var usccs []string
	var qs []enterprise.SupplyQuery
	for _, e := range page.Enterprises {
		usccs = append(usccs, e.USCC)
		qs = append(qs, enterprise.SupplyQuery{USCC: e.USCC, Side: enterprise.Suppliers, Limit: 3},
			enterprise.SupplyQuery{USCC: e.USCC, Side: enterprise.Customers, Limit: 2})
	}
	first, err := s.SupplyWindows(ctx, qs)
	if err != nil {
		t.Fatal(err)
	}
	// Second pages: after the first window's first relation.
	for i, w := range first {
		if len(w.Relations) < 2 {
			continue
		}
		rel, q := w.Relations[0], qs[i]
		partner := rel.SupplierUSCC
		if q.Side == enterprise.Customers {
			partner = rel.CustomerUSCC
		}
		k := enterprise.SupplyKeyset{Partner: partner}
		if rel.Since != nil {
			k.Since = int64(*rel.Since)
		}
		if rel.ProductCode != nil {
			k.Product = *rel.ProductCode
		}
		q.After, q.HasAfter = k, true
		qs = append(qs, q)
	}
	want, err := s.SupplyWindows(ctx, qs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.EnterpriseDetails(ctx, usccs, enterprise.Projection{Supply: qs})
	if err != nil {
		t.Fatal(err)
	}
	answered, withRelations, withCursor := 0, 0, 0
	for _, d := range got {
		for i, w := range d.Supply {
			answered++
			if !reflect.DeepEqual(w, want[i]) {
				t.Fatalf("query %+v:\n got %+v\nwant %+v", qs[i], w, want[i])
			}
			if len(w.Relations) > 0 {
				withRelations++
				if qs[i].HasAfter {
					withCursor++
				}
			}
		}
	}
	if answered != len(qs) || withRelations < 20 || withCursor == 0 {
		t.Fatalf("%d of %d queries answered, %d with relations, %d after a cursor", answered, len(qs), withRelations, withCursor)
	}
}

// onePartDetails assembles the details from the one-part reads.
func onePartDetails(t *testing.T, s *neo4jstore.Store, usccs []string) []enterprise.Detail {
	t.Helper()
	ctx := context.Background()
	designations, err1 := s.DesignationsOf(ctx, usccs)
	chains, err2 := s.ChainsOfEnterprises(ctx, usccs)
	offers, err3 := s.OffersOf(ctx, usccs)
	needs, err4 := s.NeedsOf(ctx, usccs)
	firms, err5 := s.EnterprisesByUSCC(ctx, usccs)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			t.Fatal(err)
		}
	}
	out := make([]enterprise.Detail, len(usccs))
	for i := range usccs {
		if firms[i] == nil {
			continue
		}
		d := enterprise.Detail{Designations: designations[i], Chains: chains[i], Offers: offers[i], Needs: needs[i]}
		if c := firms[i].DistrictCode; c != nil {
			ds, err := s.DistrictsByCode(ctx, []string{*c})
			if err != nil {
				t.Fatal(err)
			}
			d.District = ds[0]
		}
		if c := firms[i].ParkCode; c != nil {
			ps, err := s.ParksByCode(ctx, []string{*c})
			if err != nil {
				t.Fatal(err)
			}
			d.Park = ps[0]
		}
		var codes []string
		for _, o := range d.Offers {
			codes = append(codes, o.ProductCode)
		}
		for _, n := range d.Needs {
			codes = append(codes, n.ProductCode)
		}
		ps, err := s.ProductsByCode(ctx, codes)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			d.Products = append(d.Products, *p)
		}
		out[i] = d
	}
	return out
}
