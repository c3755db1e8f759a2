// Package enterprise is the business layer for firms: their identity (USCC),
// designations, what they make and need, and who supplies whom. It validates
// every write and declares the Storer it needs; internal/store/neo4j
// implements it.
package enterprise

import (
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
}
