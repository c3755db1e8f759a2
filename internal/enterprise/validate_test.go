package enterprise

import (
	"strings"
	"testing"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/geo"
	"chainmatch/internal/gid"
	"chainmatch/internal/uscc"
)

func TestValidate(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	code, err := uscc.Make("330402", 9)
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(s string) *string { return &s }
	year := func(y int) *int { return &y }
	valid := func() Input {
		return Input{USCC: " " + strings.ToLower(code) + " ", Name: "嘉兴光伏", IsLocal: true, DistrictCode: ptr("330402")}
	}
	if probs := Validate(valid(), now); len(probs) != 0 {
		t.Fatalf("valid input (lower case, padded USCC): %+v", probs)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"uscc", func(in *Input) { in.USCC = code[:17] + "0" }, "uscc"},
		{"name", func(in *Input) { in.Name = "" }, "name"},
		{"name 201", func(in *Input) { in.Name = strings.Repeat("字", 201) }, "name"},
		{"nameEn", func(in *Input) { in.NameEn = ptr(strings.Repeat("a", 201)) }, "nameEn"},
		{"homeCity", func(in *Input) { in.HomeCity = ptr(strings.Repeat("城", 51)) }, "homeCity"},
		{"local needs district", func(in *Input) { in.DistrictCode = nil }, "districtCode"},
		{"non-local no park", func(in *Input) { in.IsLocal, in.DistrictCode, in.ParkID = false, nil, ptr(gid.Encode(gid.Park, "P")) }, "parkId"},
		{"location", func(in *Input) { in.Location = &geo.Point{Latitude: 0, Longitude: 181} }, "location"},
		{"founded", func(in *Input) { in.Founded = year(2026) }, "founded"},
		{"designation", func(in *Input) { in.Designations = []DesignationGrant{{Designation: "GIANT", Year: 2020}} }, "designations[0].designation"},
		{"grant year", func(in *Input) { in.Designations = []DesignationGrant{{Designation: InnovativeSME, Year: 2026}} }, "designations[0].year"},
		{"product id", func(in *Input) { in.Products = []OfferInput{{ProductID: "x"}} }, "products[0].productId"},
		{"need unit", func(in *Input) {
			in.Needs = []NeedInput{{ProductID: gid.Encode(gid.Product, "P"), Unit: ptr(strings.Repeat("u", 21))}}
		}, "needs[0].unit"},
		{"contact", func(in *Input) { in.Contact = &Contact{Email: ptr(strings.Repeat("e", 101))} }, "contact.email"},
	} {
		in := valid()
		tc.edit(&in)
		probs := Validate(in, now)
		if len(probs) != 1 || probs[0].Field != tc.field || probs[0].Code != apperr.BadUserInput {
			t.Errorf("%s: %+v, want one problem on %s", tc.name, probs, tc.field)
		}
	}
}

func TestCursorRoundTripAndOrderCheck(t *testing.T) {
	byName := Order{Field: OrderByName}
	c := encodeCursor(byName, "甲", "91330402000000027D")
	k, err := decodeCursor(c, byName, "after")
	if err != nil || k.Sort != "甲" || k.USCC != "91330402000000027D" {
		t.Fatalf("decode: %+v %v", k, err)
	}
	if _, err := decodeCursor(c, Order{Field: OrderByName, Desc: true}, "after"); err == nil {
		t.Fatal("a cursor of NAME ASC was accepted for NAME DESC")
	}
	founded := Order{Field: OrderByFounded}
	k, err = decodeCursor(encodeCursor(founded, FoundedSortKey(nil, false), "X"), founded, "before")
	if err != nil || k.Sort != int64(99999) {
		t.Fatalf("founded cursor: %+v %v", k, err)
	}
}
