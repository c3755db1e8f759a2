package gid

import (
	"testing"

	"chainmatch/internal/apperr"
)

func TestRoundTripEveryType(t *testing.T) {
	for _, typ := range []Type{Enterprise, Product, Chain, Segment, Park, Incentive, District, APIKey, AuditEntry} {
		key := "91330400MA2B3C4D5E:with:colons"
		id := Encode(typ, key)
		gotT, gotK, ok := Decode(id)
		if !ok || gotT != typ || gotK != key {
			t.Errorf("Decode(Encode(%s, %q)) = %s, %q, %v", typ, key, gotT, gotK, ok)
		}
	}
}

func TestDecodeRejectsWhatEncodeCannotProduce(t *testing.T) {
	for _, id := range []string{
		"", "!!!", "not base64 at all",
		Encode("Unknown", "x"),      // unknown type
		Encode(Product, ""),         // empty key
		"UHJvZHVjdA",                // "Product" without a colon
		"UHJvZHVjdDpQVi1HTEFTUw==",  // padded (std) encoding
		"MATCH (n) DETACH DELETE n", // hostile text
	} {
		if typ, key, ok := Decode(id); ok {
			t.Errorf("Decode(%q) = %s, %q, ok", id, typ, key)
		}
	}
}

func TestKeyChecksTheType(t *testing.T) {
	if k, err := Key(Encode(Product, "PV-GLASS"), Product, "input.productId"); err != nil || k != "PV-GLASS" {
		t.Fatalf("Key = %q, %v", k, err)
	}
	_, err := Key(Encode(Park, "JX-ETDZ"), Product, "input.productId")
	ae, ok := apperr.As(err)
	if !ok || ae.Code != apperr.BadUserInput || ae.Field != "input.productId" {
		t.Fatalf("wrong type: %v", err)
	}
	// The article agrees with the type name.
	_, err = Key(Encode(Product, "PV-GLASS"), Enterprise, "id")
	if ae, ok := apperr.As(err); !ok || ae.Message != "expected the id of an Enterprise, got the id of a Product" {
		t.Fatalf("message: %v", err)
	}
	_, err = Key("garbage", Enterprise, "id")
	if ae, ok := apperr.As(err); !ok || ae.Field != "id" {
		t.Fatalf("garbage: %v", err)
	}
}
