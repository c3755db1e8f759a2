// Package lead is the investment-promotion (招商) pipeline: leads that
// bring a firm, usually from outside Jiaxing, to fill a chain gap, from
// first contact to settlement. It owns the stage rules, optimistic
// concurrency (every change increments a lead's version), who may see and
// change leads (staff and admins only), the pipeline figures and the
// what-if of a settlement. It declares the Storer it needs;
// internal/store/neo4j implements it. See docs/leads.md.
package lead

import (
	"errors"
	"fmt"
	"time"

	"chainmatch/internal/apperr"
	"chainmatch/internal/match"
)

// Stage is where a lead stands. Values equal the GraphQL enum LeadStage.
type Stage string

// The stages, in pipeline order; SETTLED and LOST close a lead.
const (
	Identified  Stage = "IDENTIFIED"
	Contacted   Stage = "CONTACTED"
	Visited     Stage = "VISITED"
	Negotiating Stage = "NEGOTIATING"
	Signed      Stage = "SIGNED"
	Settled     Stage = "SETTLED"
	Lost        Stage = "LOST"
)

// Stages lists every stage in order.
var Stages = []Stage{Identified, Contacted, Visited, Negotiating, Signed, Settled, Lost}

// index is s's position in Stages, -1 if unknown.
func (s Stage) index() int {
	for i, k := range Stages {
		if k == s {
			return i
		}
	}
	return -1
}

// IsValid reports whether s is a known stage.
func (s Stage) IsValid() bool { return s.index() >= 0 }

// Open reports whether a lead in stage s is still being worked on: every
// stage but SETTLED and LOST. An enterprise has at most one open lead.
func (s Stage) Open() bool { return s.IsValid() && s != Settled && s != Lost }

// ActivityKind is what kind of contact an activity records. Values equal
// the GraphQL enum LeadActivityKind.
type ActivityKind string

// The activity kinds.
const (
	Call    ActivityKind = "CALL"
	Visit   ActivityKind = "VISIT"
	Meeting ActivityKind = "MEETING"
	Email   ActivityKind = "EMAIL"
	Note    ActivityKind = "NOTE"
)

// IsValid reports whether k is a known kind.
func (k ActivityKind) IsValid() bool {
	switch k {
	case Call, Visit, Meeting, Email, Note:
		return true
	}
	return false
}

// Lead is a firm being attracted to Jiaxing.
type Lead struct {
	ID             string
	EnterpriseUSCC string
	Stage          Stage
	// Owner is the staff member responsible (a principal's name).
	Owner                  string
	ParkCode               *string
	ProductCodes           []string // the gap products it would bring, in the order given
	ChainCode              *string
	ExpectedInvestmentYuan *float64
	NextActionAt           *time.Time
	// Version increments with every change, starting at 1.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// History is the lead's stage changes, oldest first, read with the
	// lead (a handful per lead), so that a page of leads with their
	// histories costs no extra round trip per lead.
	History []StageChange
}

// Activity is a contact with the firm: a call, visit, meeting, email or note.
type Activity struct {
	ID     string
	LeadID string
	Kind   ActivityKind
	At     time.Time
	Note   string
	Author string
}

// StageChange records a lead entering a stage; From is nil on creation.
type StageChange struct {
	ID   string
	From *Stage
	To   Stage
	At   time.Time
	By   string
	Note *string
	// Version is the lead's version the change produced; it orders the
	// history.
	Version int
}

// Change is everything one write does to a lead, decided by the service
// on the lead's current, locked state: its new state, and at most one
// stage change, activity and settlement.
type Change struct {
	After    Lead
	Stage    *StageChange
	Activity *Activity
	// SettleIn, when set, is the park the lead's enterprise settles in: it
	// becomes local in the park's district, in the park, and located at
	// the park when it had no location.
	SettleIn *string
}

// Filter selects leads; nil fields do not filter.
type Filter struct {
	Stages         []Stage
	Owner          *string
	ChainCode      *string
	DistrictCode   *string
	ParkCode       *string
	EnterpriseUSCC *string
	// NextActionOverdue true keeps open leads whose next action date has
	// passed; false keeps all others.
	NextActionOverdue *bool
	// Now is the instant "overdue" is measured against (set by the service).
	Now time.Time
}

// Cursor is a position in the newest-first list of leads or activities.
type Cursor struct {
	At time.Time
	ID string
}

// Page is one page of leads.
type Page struct {
	Leads       []Lead
	HasNextPage bool
	// HasPreviousPage is true when the page was asked for after a cursor
	// (Relay allows this approximation for forward paging).
	HasPreviousPage bool
	TotalCount      int
}

// ActivityQuery is one page of a lead's activities as Lead.activities
// asks for it, checked and comparable, so that the pages of a whole page of
// leads can be read together (ActivityPages).
type ActivityQuery struct {
	LeadID string
	First  int
	// After is the cursor as given ("" for the first page).
	After string
}

// ActivityPage is one page of a lead's activities, newest first.
type ActivityPage struct {
	Activities      []Activity
	HasNextPage     bool
	HasPreviousPage bool
}

// Sentinel errors of the lead store. They wrap apperr's sentinels so that
// the store's retry logic and the error presenter classify them.
var (
	// ErrLeadNotFound: no lead has the id.
	ErrLeadNotFound = fmt.Errorf("lead: %w", apperr.ErrNotFound)
	// ErrActivityNotFound: no lead activity has the id.
	ErrActivityNotFound = fmt.Errorf("lead activity: %w", apperr.ErrNotFound)
	// ErrEnterpriseNotFound: the lead's enterprise does not exist.
	ErrEnterpriseNotFound = fmt.Errorf("enterprise: %w", apperr.ErrNotFound)
	// ErrParkNotFound: the target or settlement park does not exist.
	ErrParkNotFound = fmt.Errorf("park: %w", apperr.ErrNotFound)
	// ErrChainNotFound: the lead's chain does not exist.
	ErrChainNotFound = fmt.Errorf("industrial chain: %w", apperr.ErrNotFound)
	// ErrProductNotFound: one of the lead's products does not exist.
	ErrProductNotFound = fmt.Errorf("product: %w", apperr.ErrNotFound)
)

// OpenLeadError says that the enterprise already has an open lead.
type OpenLeadError struct {
	// LeadID is the open lead's id ("" when a concurrent creation won and
	// its id is not known).
	LeadID string
}

func (e *OpenLeadError) Error() string { return "the enterprise already has an open lead" }

// Unwrap classifies the error as a conflict.
func (e *OpenLeadError) Unwrap() error { return apperr.ErrConflict }

// isOpenLead reports whether err says the enterprise has an open lead.
func isOpenLead(err error) (*OpenLeadError, bool) {
	var ol *OpenLeadError
	if errors.As(err, &ol) {
		return ol, true
	}
	return nil, false
}

// StageCount is how many leads are in a stage.
type StageCount struct {
	Stage Stage
	Count int
}

// StageDays is the median number of days leads stayed in a stage before
// leaving it; nil when none has left it yet.
type StageDays struct {
	Stage Stage
	Days  *float64
}

// ChainCounts is the pipeline of one chain.
type ChainCounts struct {
	ChainCode string
	ByStage   []StageCount
}

// Pipeline summarises a set of leads.
type Pipeline struct {
	ByStage           []StageCount
	ByChain           []ChainCounts
	MedianDaysInStage []StageDays
	// ConversionRate is SETTLED leads / leads that ever left IDENTIFIED
	// (0 when none has).
	ConversionRate float64
}

// PipelineLead is what the pipeline figures need of one lead.
type PipelineLead struct {
	Stage     Stage
	ChainCode *string
	// History is the lead's stage changes, oldest first.
	History []StageChange
}

// ImpactFacts is what the what-if of a settlement reads from the graph.
type ImpactFacts struct {
	IsLocal      bool
	Designations []string
	// DistrictCode is the park's district.
	DistrictCode string
	// Offers are the firm's chain products with local demand and supply,
	// not counting the firm itself.
	Offers []ImpactOffer
	// Buyers are local firms (not the firm) that need what it makes and
	// do not buy from it yet; Makers are local firms that make what it
	// needs and do not supply it yet. USCCs, sorted.
	Buyers, Makers []string
}

// ImpactOffer is one product the firm makes.
type ImpactOffer struct {
	ProductCode string
	// NeedsToo is true when the firm also needs the product.
	NeedsToo       bool
	Demand, Supply int
}

// GapChange is a chain gap of the firm's products before and after it
// settles.
type GapChange struct {
	ProductCode       string
	SeverityBefore    float64
	SeverityAfter     float64
	LocalSupplyBefore int
	LocalSupplyAfter  int
}

// Impact is what settling a firm in a park would change; nothing is written.
type Impact struct {
	EnterpriseUSCC string
	ParkCode       string
	Gaps           []GapChange
	NewSupplierFor []string // USCCs
	NewCustomerFor []string // USCCs
	Incentives     []match.IncentiveEligibility
	// Cultivation counts after settling.
	NationalLittleGiantsAfter int
	ProvincialSRDIAfter       int
}
