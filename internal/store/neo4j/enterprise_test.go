package neo4jstore_test

import (
	"context"
	"errors"
	"testing"

	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// fixture writes two districts, a park in the first and products A, B, C.
func fixture(t *testing.T, s *neo4jstore.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.UpsertDistricts(ctx, []chain.District{{Code: "330402", Name: "南湖区"}, {Code: "330411", Name: "秀洲区"}}))
	must(s.UpsertParks(ctx, []chain.ParkRecord{{Park: chain.Park{Code: "XZ-PV", Name: "秀洲光伏小镇", DistrictCode: "330411"}}}))
	for _, c := range []string{"A", "B", "C"} {
		must(s.UpsertProduct(ctx, chain.ProductRecord{Product: chain.Product{Code: c, Name: "产品" + c}}))
	}
}

func firmCode(t *testing.T, serial uint64) string {
	t.Helper()
	c, err := uscc.Make("330411", serial)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A reference that vanished between the service's checks and the write
// (simulated by writing the store directly with a reference that does not
// hold) rolls the whole transaction back instead of skipping the link.
func TestUpsertEnterprisesChecksReferencesInsideTheTransaction(t *testing.T) {
	s := neo4jtest.Open(t)
	fixture(t, s)
	ctx := context.Background()
	str := func(v string) *string { return &v }
	first := enterprise.Record{
		Enterprise: enterprise.Enterprise{USCC: firmCode(t, 1), Name: "先写的", IsLocal: true, DistrictCode: str("330411")},
		Products:   []enterprise.ProductOffer{{ProductCode: "A"}},
	}
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{first}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProduct(ctx, "C"); err != nil {
		t.Fatal(err)
	}
	row := func(mod func(*enterprise.Record)) enterprise.Record {
		r := enterprise.Record{
			Enterprise: enterprise.Enterprise{USCC: firmCode(t, 2), Name: "后写的", IsLocal: true,
				DistrictCode: str("330411"), ParkCode: str("XZ-PV")},
			Products: []enterprise.ProductOffer{{ProductCode: "A"}, {ProductCode: "B"}},
			Needs:    []enterprise.ProductNeed{{ProductCode: "A"}},
		}
		mod(&r)
		return r
	}
	// The first row updates firm 1 (its MAKES A must survive a rollback).
	update := first
	update.Products = []enterprise.ProductOffer{{ProductCode: "B"}}
	for _, tc := range []struct {
		name string
		rec  enterprise.Record
		want enterprise.ReferenceError
	}{
		{"product", row(func(r *enterprise.Record) { r.Products[1].ProductCode = "C" }),
			enterprise.ReferenceError{Row: 1, Kind: enterprise.RefProduct, Index: 1, Code: "C"}},
		{"need", row(func(r *enterprise.Record) { r.Needs[0].ProductCode = "C" }),
			enterprise.ReferenceError{Row: 1, Kind: enterprise.RefNeed, Index: 0, Code: "C"}},
		{"district", row(func(r *enterprise.Record) { r.Enterprise.DistrictCode, r.Enterprise.ParkCode = str("330499"), nil }),
			enterprise.ReferenceError{Row: 1, Kind: enterprise.RefDistrict, Code: "330499"}},
		{"park", row(func(r *enterprise.Record) { r.Enterprise.ParkCode = str("GONE") }),
			enterprise.ReferenceError{Row: 1, Kind: enterprise.RefPark, Code: "GONE"}},
		{"park in another district", row(func(r *enterprise.Record) { r.Enterprise.DistrictCode = str("330402") }),
			enterprise.ReferenceError{Row: 1, Kind: enterprise.RefParkDistrict, Code: "330402"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.UpsertEnterprises(ctx, []enterprise.Record{update, tc.rec})
			var got *enterprise.ReferenceError
			if !errors.As(err, &got) || *got != tc.want {
				t.Fatalf("err = %v, want %+v", err, tc.want)
			}
			es, err := s.EnterprisesByUSCC(ctx, []string{first.Enterprise.USCC, tc.rec.Enterprise.USCC})
			if err != nil {
				t.Fatal(err)
			}
			offers, err := s.OffersOf(ctx, []string{first.Enterprise.USCC})
			if err != nil {
				t.Fatal(err)
			}
			if es[1] != nil || len(offers[0]) != 1 || offers[0][0].ProductCode != "A" {
				t.Fatalf("half-applied: new firm %+v, firm 1 makes %+v", es[1], offers[0])
			}
		})
	}
	// With every reference holding, both rows are written.
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{update, row(func(*enterprise.Record) {})}); err != nil {
		t.Fatal(err)
	}
	offers, err := s.OffersOf(ctx, []string{first.Enterprise.USCC, firmCode(t, 2)})
	if err != nil || len(offers[0]) != 1 || offers[0][0].ProductCode != "B" || len(offers[1]) != 2 {
		t.Fatalf("offers %+v %v", offers, err)
	}
}

func TestAddSupplyRelationChecksReferencesInsideTheTransaction(t *testing.T) {
	s := neo4jtest.Open(t)
	fixture(t, s)
	ctx := context.Background()
	a, b := firmCode(t, 1), firmCode(t, 2)
	if err := s.UpsertEnterprises(ctx, []enterprise.Record{
		{Enterprise: enterprise.Enterprise{USCC: a, Name: "甲"}}, {Enterprise: enterprise.Enterprise{USCC: b, Name: "乙"}},
	}); err != nil {
		t.Fatal(err)
	}
	gone, c := "GONE", "C"
	for _, tc := range []struct {
		rel  enterprise.SupplyRelation
		kind enterprise.RefKind
	}{
		{enterprise.SupplyRelation{SupplierUSCC: a, CustomerUSCC: b, ProductCode: &gone}, enterprise.RefProduct},
		{enterprise.SupplyRelation{SupplierUSCC: firmCode(t, 3), CustomerUSCC: b}, enterprise.RefSupplier},
		{enterprise.SupplyRelation{SupplierUSCC: a, CustomerUSCC: firmCode(t, 3)}, enterprise.RefCustomer},
	} {
		var ref *enterprise.ReferenceError
		if err := s.AddSupplyRelation(ctx, tc.rel); !errors.As(err, &ref) || ref.Kind != tc.kind {
			t.Errorf("%+v: err %v, want reference kind %d", tc.rel, err, tc.kind)
		}
	}
	ws, err := s.SupplyWindows(ctx, []enterprise.SupplyQuery{{USCC: b, Side: enterprise.Suppliers, Limit: 10}})
	if err != nil || ws[0].Total != 0 {
		t.Fatalf("rejected relations were written: %+v %v", ws, err)
	}
	// A product in use is not deleted, checked in the delete itself.
	if err := s.AddSupplyRelation(ctx, enterprise.SupplyRelation{SupplierUSCC: a, CustomerUSCC: b, ProductCode: &c}); err != nil {
		t.Fatal(err)
	}
	var inUse *chain.InUseError
	if _, err := s.DeleteProduct(ctx, "C"); !errors.As(err, &inUse) || inUse.Uses != 1 {
		t.Fatalf("delete of a product in use: %v", err)
	}
	if ps, err := s.ProductsByCode(ctx, []string{"C"}); err != nil || ps[0] == nil {
		t.Fatalf("product in use was deleted: %v", err)
	}
}
