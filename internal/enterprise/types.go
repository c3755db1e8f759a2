// Package enterprise is the business layer for firms: their identity (USCC),
// designations, what they make and need, and who supplies whom. It validates
// every write and declares the Storer it needs; internal/store/neo4j
// implements it.
package enterprise

import (
	"fmt"

	"chainmatch/internal/apperr"
	"chainmatch/internal/geo"
)

// Designation is a rung of the SME ladder. Values equal the GraphQL enum.
type Designation string

// The designations, from the bottom of the ladder to the top.
const (
	InnovativeSME       Designation = "INNOVATIVE_SME"
	ProvincialSRDI      Designation = "PROVINCIAL_SRDI"
	NationalLittleGiant Designation = "NATIONAL_LITTLE_GIANT"
	InvisibleChampion   Designation = "INVISIBLE_CHAMPION"
	SingleChampion      Designation = "SINGLE_CHAMPION"
)

// Designations lists every designation, bottom of the ladder first.
var Designations = []Designation{InnovativeSME, ProvincialSRDI, NationalLittleGiant, InvisibleChampion, SingleChampion}

// IsValid reports whether d is a known designation.
func (d Designation) IsValid() bool {
	for _, k := range Designations {
		if d == k {
			return true
		}
	}
	return false
}

// Enterprise is a firm, keyed by its USCC.
type Enterprise struct {
	USCC         string
	Name         string
	NameEn       *string
	IsLocal      bool
	DistrictCode *string
	ParkCode     *string
	HomeCity     *string
	Location     *geo.Point
	Founded      *int
	DataSource   *string
	// Owner is the API key id of the partner that submitted the record
	// ("" for staff-maintained and demo records).
	Owner string
}

// Contact is how to reach a firm (staff only).
type Contact struct {
	Person *string
	Phone  *string
	Email  *string
}

// DesignationGrant is a designation with the year it was granted.
type DesignationGrant struct {
	Designation Designation
	Year        int
}

// ProductOffer is a product an enterprise makes.
type ProductOffer struct {
	ProductCode    string
	AnnualCapacity *float64
	Unit           *string
}

// ProductNeed is a product an enterprise buys.
type ProductNeed struct {
	ProductCode  string
	AnnualVolume *float64
	Unit         *string
}

// SupplyRelation says SupplierUSCC supplies CustomerUSCC, optionally for a product.
type SupplyRelation struct {
	SupplierUSCC string
	CustomerUSCC string
	ProductCode  *string
	Since        *int
	// Partner is the enterprise at the listed end (the supplier in a
	// listing of suppliers), when the store read it with the relation, so
	// that showing it costs no further statement; nil otherwise.
	Partner *Enterprise
}

// Input is an enterprise to create or update, keyed by USCC. It is what the
// GraphQL mutations and the `chainmatch import` CLI hand to the service.
//
// References are global ids (see internal/gid), exactly as clients send
// them, so that a bad one is reported against the input field that holds it.
// Lists that are nil keep what is stored; non-nil lists (also empty ones)
// replace it. Contact nil keeps the stored contact. Scalars always replace.
type Input struct {
	USCC         string
	Name         string
	NameEn       *string
	IsLocal      bool
	DistrictCode *string
	ParkID       *string
	HomeCity     *string
	Location     *geo.Point
	Founded      *int
	Designations []DesignationGrant
	Products     []OfferInput
	Needs        []NeedInput
	Contact      *Contact
	// DataSource labels where the record came from ("demo" for the demo
	// graph); empty means "the caller", see Service.dataSource.
	DataSource string
}

// OfferInput is a product an enterprise makes, as given in an Input.
type OfferInput struct {
	ProductID      string
	AnnualCapacity *float64
	Unit           *string
}

// NeedInput is a product an enterprise needs, as given in an Input.
type NeedInput struct {
	ProductID    string
	AnnualVolume *float64
	Unit         *string
}

// SupplyInput asks to record that one enterprise supplies another.
type SupplyInput struct {
	SupplierID string
	CustomerID string
	ProductID  *string
	Since      *int
}

// Record is a validated Input with references resolved to natural keys:
// what the store writes. Nil lists and a nil Contact keep what is stored.
type Record struct {
	Enterprise   Enterprise
	Designations []DesignationGrant
	Products     []ProductOffer
	Needs        []ProductNeed
	Contact      *Contact
}

// Problem is one thing wrong with an input row.
type Problem struct {
	// Field is the path of the offending field inside the row, e.g.
	// "products[2].productId".
	Field   string
	Message string
	Code    apperr.Code
}

// RowError is a Problem of one row of an import.
type RowError struct {
	Row int
	Problem
}

// ImportResult is the outcome of Import and UpsertMany: either every row
// was written (OK) or, when Errors is non-empty, none was.
type ImportResult struct {
	OK      bool
	Created int
	Updated int
	Errors  []RowError
}

// Circle is a search area on the map.
type Circle struct {
	Center   geo.Point
	RadiusKm float64
}

// Filter narrows a listing of enterprises; nil fields do not filter. Ids are
// global ids as clients send them.
type Filter struct {
	DistrictCode   *string
	ParkID         *string
	ChainID        *string
	SegmentID      *string
	MakesProductID *string
	NeedsProductID *string
	// Designations: the enterprise holds at least one of them.
	Designations []Designation
	IsLocal      *bool
	Within       *Circle
	// NameContains matches the Chinese or English name, case-insensitively.
	NameContains *string
	DataSource   *string
}

// OrderField is what enterprise listings sort by. Values equal the GraphQL enum.
type OrderField string

// The sort fields; every order breaks ties by USCC.
const (
	OrderByName    OrderField = "NAME"
	OrderByUSCC    OrderField = "USCC"
	OrderByFounded OrderField = "FOUNDED"
)

// Order is a sort field and direction.
type Order struct {
	Field OrderField
	Desc  bool
}

// PageArgs are Relay paging arguments: First/After page forwards,
// Last/Before backwards.
type PageArgs struct {
	First  *int
	After  *string
	Last   *int
	Before *string
	// SkipTotal says the caller does not read Page.Total (the GraphQL
	// operation does not select totalCount), which spares counting every
	// match; Total is then 0.
	SkipTotal bool
}

// Page is one page of a Relay connection of enterprises.
type Page struct {
	Enterprises []Enterprise
	// Cursors[i] is the opaque cursor of Enterprises[i].
	Cursors     []string
	HasNext     bool
	HasPrevious bool
	Total       int
}

// SupplyPage is one page of an enterprise's suppliers or customers.
type SupplyPage struct {
	Relations   []SupplyRelation
	Cursors     []string
	HasNext     bool
	HasPrevious bool
	Total       int
}

// Criteria is a Filter with ids resolved to natural keys, as the store
// needs it.
type Criteria struct {
	DistrictCode, ParkCode, ChainCode, SegmentCode *string
	MakesProductCode, NeedsProductCode             *string
	Designations                                   []Designation
	IsLocal                                        *bool
	Within                                         *Circle
	NameContains                                   *string
	DataSource                                     *string
}

// Keyset is a position in a sorted listing: the sort key and the USCC
// that breaks ties. Sort is a string for NAME and USCC and an int64 for
// FOUNDED (see FoundedSortKey).
type Keyset struct {
	Sort any
	USCC string
}

// ListQuery asks the store for a window of a sorted listing.
type ListQuery struct {
	Criteria Criteria
	Order    Order
	// Backward fetches in the reverse of Order, starting after After.
	Backward bool
	After    *Keyset
	// Limit rows at most are returned (the service asks for one more than
	// the page size to learn whether there is another page).
	Limit int
	// SkipTotal says the caller does not need Total; the store may then
	// leave it 0 and spare the count.
	SkipTotal bool
}

// ListResult is the store's answer to a ListQuery.
type ListResult struct {
	Enterprises []Enterprise
	// Total counts every enterprise matching the criteria.
	Total int
	// Passed counts those at or before After in fetch direction (0 without After).
	Passed int
}

// Side says which end of supply relations to list.
type Side int

// The sides of a supply relation.
const (
	Suppliers Side = iota
	Customers
)

// SupplyKeyset is a position in a listing of supply relations, newest
// first: (since, partner USCC, product code).
type SupplyKeyset struct {
	Since   int64
	Partner string
	Product string
}

// SupplyQuery asks the store for a window of one enterprise's suppliers or
// customers. It is comparable, so that it can key a per-request loader:
// the store answers many of them with one statement.
type SupplyQuery struct {
	USCC string
	Side Side
	// After is the position to start after, when HasAfter.
	After    SupplyKeyset
	HasAfter bool
	// Limit rows at most are returned (the page size plus one).
	Limit int
}

// SupplyWindow is the store's answer to a SupplyQuery.
type SupplyWindow struct {
	Relations []SupplyRelation
	// Total counts all of the enterprise's relations on that side; Passed
	// those at or before After (0 without After).
	Total, Passed int
}

// ProducerQuery asks the store for a window of the enterprises that make
// a product, in USCC order. It is comparable, like SupplyQuery.
type ProducerQuery struct {
	ProductCode string
	// After is the USCC to start after, when HasAfter.
	After    string
	HasAfter bool
	Limit    int
}

// ProducerWindow is the store's answer to a ProducerQuery.
type ProducerWindow struct {
	Enterprises []Enterprise
	// Total counts every producer; Passed those at or before After.
	Total, Passed int
}

// References asks which referenced objects exist.
type References struct {
	DistrictCodes []string
	ParkCodes     []string
	ProductCodes  []string
}

// Existing answers References: the existing districts and products, and
// each existing park's district.
type Existing struct {
	Districts    map[string]bool
	Products     map[string]bool
	ParkDistrict map[string]string
}

// RefKind names what a written row refers to.
type RefKind int

// The references of an enterprise row.
const (
	RefDistrict RefKind = iota
	RefPark
	// RefParkDistrict: the park exists but lies in another district.
	RefParkDistrict
	RefProduct
	RefNeed
	// For AddSupplyRelation.
	RefSupplier
	RefCustomer
)

// ReferenceError is returned by Storer.UpsertEnterprises and
// Storer.AddSupplyRelation when a reference did not hold inside the write transaction (e.g. a product was
// deleted after the service checked it); the transaction is rolled back,
// so nothing of the batch is written.
type ReferenceError struct {
	// Row indexes the batch given to UpsertEnterprises.
	Row  int
	Kind RefKind
	// Index is the position in the row's Products or Needs.
	Index int
	Code  string
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("row %d: reference %q (kind %d, index %d) does not hold", e.Row, e.Code, e.Kind, e.Index)
}
