package enterprise

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"chainmatch/internal/apperr"
)

// Cursors are opaque to clients: base64url of a small JSON document naming
// the order they belong to and the keyset position (sort key, USCC).

type cursorDoc struct {
	Order OrderField `json:"o"`
	Desc  bool       `json:"d,omitempty"`
	Key   any        `json:"k"`
	USCC  string     `json:"u"`
}

// FoundedSortKey is the sort key of a founding year: firms without one sort
// last in both directions.
func FoundedSortKey(founded *int, desc bool) int64 {
	switch {
	case founded != nil:
		return int64(*founded)
	case desc:
		return -1
	default:
		return 99999
	}
}

// SortKey is e's sort key under o, as the store compares it.
func SortKey(e Enterprise, o Order) any {
	switch o.Field {
	case OrderByName:
		return e.Name
	case OrderByFounded:
		return FoundedSortKey(e.Founded, o.Desc)
	default:
		return e.USCC
	}
}

func encodeCursor(o Order, key any, code string) string {
	b, _ := json.Marshal(cursorDoc{Order: o.Field, Desc: o.Desc, Key: key, USCC: code})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of order o; field names the argument for errors.
func decodeCursor(s string, o Order, field string) (Keyset, error) {
	bad := func(why string) (Keyset, error) {
		e := apperr.Invalid(field, "not a cursor of this listing: %s", why)
		e.Err = errInvalidCursor
		return Keyset{}, e
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("malformed")
	}
	var d cursorDoc
	if err := json.Unmarshal(raw, &d); err != nil || d.USCC == "" {
		return bad("malformed")
	}
	if d.Order != o.Field || d.Desc != o.Desc {
		return bad("it was issued for another order")
	}
	switch o.Field {
	case OrderByFounded:
		f, ok := d.Key.(float64)
		if !ok {
			return bad("malformed")
		}
		return Keyset{Sort: int64(f), USCC: d.USCC}, nil
	default:
		k, ok := d.Key.(string)
		if !ok {
			return bad("malformed")
		}
		return Keyset{Sort: k, USCC: d.USCC}, nil
	}
}

type supplyCursorDoc struct {
	Since   int64  `json:"s"`
	Partner string `json:"p"`
	Product string `json:"c"`
}

func supplyKey(r SupplyRelation, side Side) SupplyKeyset {
	k := SupplyKeyset{Partner: r.SupplierUSCC}
	if side == Customers {
		k.Partner = r.CustomerUSCC
	}
	if r.Since != nil {
		k.Since = int64(*r.Since)
	}
	if r.ProductCode != nil {
		k.Product = *r.ProductCode
	}
	return k
}

func encodeSupplyCursor(k SupplyKeyset) string {
	b, _ := json.Marshal(supplyCursorDoc{Since: k.Since, Partner: k.Partner, Product: k.Product})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSupplyCursor(s string) (SupplyKeyset, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var d supplyCursorDoc
	if err == nil {
		err = json.Unmarshal(raw, &d)
	}
	if err != nil || d.Partner == "" {
		e := apperr.Invalid("after", "not a cursor of this listing")
		e.Err = fmt.Errorf("%w: %v", errInvalidCursor, err)
		return SupplyKeyset{}, e
	}
	return SupplyKeyset{Since: d.Since, Partner: d.Partner, Product: d.Product}, nil
}
