package enterprise_test

import (
	"context"
	"testing"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/chain"
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	neo4jstore "chainmatch/internal/store/neo4j"
	"chainmatch/internal/store/neo4j/neo4jtest"
	"chainmatch/internal/uscc"
)

// racingStore is the real store, except that a product is deleted right
// before each enterprise write: after the service has checked the
// references, before the write transaction.
type racingStore struct {
	*neo4jstore.Store
	t       *testing.T
	product string
}

func (s racingStore) UpsertEnterprises(ctx context.Context, rows []enterprise.Record) error {
	if _, err := s.Store.DeleteProduct(ctx, s.product); err != nil {
		s.t.Fatal(err)
	}
	return s.Store.UpsertEnterprises(ctx, rows)
}

func TestWriteRacingAProductDeletionIsRejectedNotHalfApplied(t *testing.T) {
	st := neo4jtest.Open(t)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{ID: "admin", Role: auth.Admin})
	if err := st.UpsertDistricts(ctx, []chain.District{{Code: "330411", Name: "秀洲区"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"GLASS", "CELL"} {
		if err := st.UpsertProduct(ctx, chain.ProductRecord{Product: chain.Product{Code: c, Name: c}}); err != nil {
			t.Fatal(err)
		}
	}
	code, err := uscc.Make("330411", 7)
	if err != nil {
		t.Fatal(err)
	}
	svc := enterprise.NewService(racingStore{Store: st, t: t, product: "CELL"})
	in := enterprise.Input{USCC: code, Name: "秀洲组件", IsLocal: true, DistrictCode: ptr("330411"),
		Products: []enterprise.OfferInput{{ProductID: gid.Encode(gid.Product, "GLASS")}, {ProductID: gid.Encode(gid.Product, "CELL")}}}

	_, err = svc.Upsert(ctx, in)
	ae, ok := apperr.As(err)
	if !ok || ae.Code != apperr.NotFound || ae.Field != "input.products[1].productId" {
		t.Fatalf("upsert: %v, want NOT_FOUND on input.products[1].productId", err)
	}
	res, err := svc.Import(ctx, []enterprise.Input{in})
	if err != nil || res.OK || len(res.Errors) != 1 || res.Errors[0].Field != "products[1].productId" || res.Errors[0].Code != apperr.NotFound {
		t.Fatalf("import: %+v %v", res, err)
	}
	if es, err := st.EnterprisesByUSCC(ctx, []string{code}); err != nil || es[0] != nil {
		t.Fatalf("the rejected write left %+v (%v)", es[0], err)
	}
}

func ptr[T any](v T) *T { return &v }
