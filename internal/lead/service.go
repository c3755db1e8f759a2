package lead

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"chainmatch/internal/apperr"
	"chainmatch/internal/auth"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
)

// Limits of the lead operations.
const (
	DefaultFirst = 20
	MaxFirst     = 100
	// MaxProducts bounds a lead's gap products.
	MaxProducts = 50
	// MaxNote bounds notes and owners, in characters.
	MaxNote  = 4000
	MaxOwner = 100
)

// Storer is what the lead service needs from the graph. Writes are one
// transaction each. Missing objects are reported with this package's
// sentinel errors.
type Storer interface {
	// CreateLead writes a new lead and its first stage change, unless the
	// enterprise has an open lead (*OpenLeadError). Idempotent by l.ID.
	CreateLead(ctx context.Context, l Lead, first StageChange) (Lead, error)
	// ChangeLead locks the lead, reads it, asks decide what to write and
	// writes that, all in one transaction; an error from decide changes
	// nothing and is returned as it is. decide may run more than once.
	ChangeLead(ctx context.Context, id string, decide func(current Lead) (Change, error)) (Lead, error)
	// Lead returns one lead. Every lead the store returns carries its
	// History.
	Lead(ctx context.Context, id string) (Lead, error)
	// Leads returns a page of the leads f selects, newest first.
	Leads(ctx context.Context, f Filter, first int, after *Cursor) (Page, error)
	// LeadActivity returns one activity.
	LeadActivity(ctx context.Context, id string) (Activity, error)
	// LeadActivities returns a page of activities, newest first, of each
	// lead of leadIDs (in their order, empty for an unknown lead), with one
	// statement.
	LeadActivities(ctx context.Context, leadIDs []string, first int, after *Cursor) ([]ActivityPage, error)
	// PipelineLeads returns the leads of a chain and of a district (of
	// their target park), nil meaning any, with their histories.
	PipelineLeads(ctx context.Context, chainCode, districtCode *string) ([]PipelineLead, error)
	// SettlementImpactFacts reads what the what-if of settling the firm in
	// the park needs (ErrEnterpriseNotFound, ErrParkNotFound).
	SettlementImpactFacts(ctx context.Context, uscc, parkCode string) (ImpactFacts, error)
}

// Analytics is the part of the match service the what-if reuses, so that
// it decides incentives and counts cultivation exactly as the live
// operations do.
type Analytics interface {
	IncentivesIfLocal(ctx context.Context, enterpriseID string) ([]match.IncentiveEligibility, error)
	CultivationProgress(ctx context.Context) (*match.CultivationProgress, error)
}

// Service is the lead business layer; see the package comment.
type Service struct {
	store     Storer
	analytics Analytics
	now       func() time.Time
	newID     func() string
}

// NewService returns the lead service.
func NewService(store Storer, analytics Analytics) *Service {
	return &Service{store: store, analytics: analytics, now: time.Now, newID: randomID}
}

// WithClock returns a copy of s that reads the time from now (tests, the
// demo pipeline).
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

// WithIDs returns a copy of s that takes the ids of new leads, stage
// changes and activities from next (the deterministic demo pipeline).
func (s *Service) WithIDs(next func() string) *Service {
	c := *s
	c.newID = next
	return &c
}

// authorize lets staff and admins through; partners get FORBIDDEN and
// anonymous callers UNAUTHENTICATED before anything is read, so that they
// never learn whether a lead exists.
func authorize(ctx context.Context) error { return auth.Require(ctx, auth.Staff) }

// actor names the caller in stage changes and activities.
func actor(ctx context.Context) string {
	p := auth.FromContext(ctx)
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CreateInput is the input of Create; it mirrors CreateLeadInput.
type CreateInput struct {
	EnterpriseID           string
	Owner                  *string
	TargetParkID           *string
	ProductIDs             []string
	ChainID                *string
	ExpectedInvestmentYuan *float64
	NextActionAt           *time.Time
}

// UpdateInput is the input of Update: given fields replace, Clear* fields
// remove.
type UpdateInput struct {
	Owner                  *string
	TargetParkID           *string
	ProductIDs             []string // nil keeps, empty clears
	ChainID                *string
	ExpectedInvestmentYuan *float64
	NextActionAt           *time.Time
	ClearTargetPark        bool
	ClearChain             bool
	ClearExpected          bool
	ClearNextAction        bool
}

// ActivityInput is the input of LogActivity.
type ActivityInput struct {
	Kind ActivityKind
	Note string
	At   *time.Time // default now
}

func validOwner(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || utf8.RuneCountInString(v) > MaxOwner {
		return "", apperr.Invalid("input.owner", "must be 1..%d characters", MaxOwner)
	}
	return v, nil
}

func validNote(field string, v string, required bool) (string, error) {
	v = strings.TrimSpace(v)
	if required && v == "" {
		return "", apperr.Invalid(field, "must not be empty")
	}
	if utf8.RuneCountInString(v) > MaxNote {
		return "", apperr.Invalid(field, "must be at most %d characters", MaxNote)
	}
	return v, nil
}

func optKey(id *string, t gid.Type, field string) (*string, error) {
	if id == nil {
		return nil, nil
	}
	k, err := gid.Key(*id, t, field)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func productKeys(ids []string, field string) ([]string, error) {
	if len(ids) > MaxProducts {
		return nil, apperr.Invalid(field, "at most %d products", MaxProducts)
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		k, err := gid.Key(id, gid.Product, field)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

func validInvestment(v *float64, field string) error {
	if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0) {
		return apperr.Invalid(field, "must be a finite amount of at least 0")
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// refError turns the store's missing-reference sentinels into NOT_FOUND
// on the input field that named them.
func refError(err error, prefix string) error {
	if ol, ok := isOpenLead(err); ok {
		return openLeadConflict(ol, "")
	}
	switch {
	case errors.Is(err, ErrEnterpriseNotFound):
		return apperr.Missing(prefix+"enterpriseId", "no enterprise has this id")
	case errors.Is(err, ErrParkNotFound):
		return apperr.Missing(prefix+"targetParkId", "no park has this id")
	case errors.Is(err, ErrChainNotFound):
		return apperr.Missing(prefix+"chainId", "no industrial chain has this id")
	case errors.Is(err, ErrProductNotFound):
		return apperr.Missing(prefix+"productIds", "no product has one of these ids")
	case errors.Is(err, ErrLeadNotFound):
		return apperr.Missing("id", "no lead has this id")
	case errors.Is(err, apperr.ErrConflict):
		// The one-open-lead constraint caught a concurrent write.
		return openLeadConflict(&OpenLeadError{}, "")
	}
	return err
}

// openLeadConflict is the CONFLICT of a second open lead for a firm,
// naming the open one when known.
func openLeadConflict(ol *OpenLeadError, field string) *apperr.Error {
	e := &apperr.Error{Code: apperr.Conflict, Field: field, Message: "the enterprise already has an open lead", Err: ol}
	if ol.LeadID != "" {
		e.Extensions = map[string]any{"leadId": gid.Encode(gid.Lead, ol.LeadID)}
	}
	return e
}

// Create opens a lead at IDENTIFIED, owned by input.owner or the caller.
// An enterprise has at most one open lead: a second one is a CONFLICT
// naming the open lead (extensions.leadId).
func (s *Service) Create(ctx context.Context, in CreateInput) (Lead, error) {
	if err := authorize(ctx); err != nil {
		return Lead{}, err
	}
	uscc, err := gid.Key(in.EnterpriseID, gid.Enterprise, "input.enterpriseId")
	if err != nil {
		return Lead{}, err
	}
	owner := actor(ctx)
	if in.Owner != nil {
		if owner, err = validOwner(*in.Owner); err != nil {
			return Lead{}, err
		}
	}
	park, err := optKey(in.TargetParkID, gid.Park, "input.targetParkId")
	if err != nil {
		return Lead{}, err
	}
	chainCode, err := optKey(in.ChainID, gid.Chain, "input.chainId")
	if err != nil {
		return Lead{}, err
	}
	products, err := productKeys(in.ProductIDs, "input.productIds")
	if err != nil {
		return Lead{}, err
	}
	if err := validInvestment(in.ExpectedInvestmentYuan, "input.expectedInvestmentYuan"); err != nil {
		return Lead{}, err
	}
	now := s.now().UTC()
	l := Lead{
		ID: s.newID(), EnterpriseUSCC: uscc, Stage: Identified, Owner: owner,
		ParkCode: park, ProductCodes: products, ChainCode: chainCode,
		ExpectedInvestmentYuan: in.ExpectedInvestmentYuan, NextActionAt: utcPtr(in.NextActionAt),
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	first := StageChange{ID: s.newID(), To: Identified, At: now, By: actor(ctx), Version: 1}
	got, err := s.store.CreateLead(ctx, l, first)
	if ol, ok := isOpenLead(err); ok {
		return Lead{}, openLeadConflict(ol, "input.enterpriseId")
	}
	if errors.Is(err, apperr.ErrConflict) {
		return Lead{}, openLeadConflict(&OpenLeadError{}, "input.enterpriseId")
	}
	if err != nil {
		return Lead{}, refError(err, "input.")
	}
	return got, nil
}

// leadKey decodes a lead id.
func leadKey(id, field string) (string, error) { return gid.Key(id, gid.Lead, field) }

// checkVersion refuses a stale expectedVersion with CONFLICT.
func checkVersion(cur Lead, expected int) error {
	if cur.Version != expected {
		return apperr.StaleVersion("expectedVersion", expected, cur.Version)
	}
	return nil
}

// touched returns cur with its version incremented and updatedAt set.
func touched(cur Lead, now time.Time) Lead {
	n := cur
	n.Version = cur.Version + 1
	n.UpdatedAt = now
	return n
}

// Update changes a lead's owner, target park, products, chain, expected
// investment or next action date. expectedVersion must be current.
func (s *Service) Update(ctx context.Context, id string, expectedVersion int, in UpdateInput) (Lead, error) {
	if err := authorize(ctx); err != nil {
		return Lead{}, err
	}
	key, err := leadKey(id, "id")
	if err != nil {
		return Lead{}, err
	}
	var owner *string
	if in.Owner != nil {
		o, err := validOwner(*in.Owner)
		if err != nil {
			return Lead{}, err
		}
		owner = &o
	}
	park, err := optKey(in.TargetParkID, gid.Park, "input.targetParkId")
	if err != nil {
		return Lead{}, err
	}
	chainCode, err := optKey(in.ChainID, gid.Chain, "input.chainId")
	if err != nil {
		return Lead{}, err
	}
	var products []string
	if in.ProductIDs != nil {
		if products, err = productKeys(in.ProductIDs, "input.productIds"); err != nil {
			return Lead{}, err
		}
	}
	if err := validInvestment(in.ExpectedInvestmentYuan, "input.expectedInvestmentYuan"); err != nil {
		return Lead{}, err
	}
	for _, c := range []struct {
		set   bool
		clear bool
		field string
	}{
		{park != nil, in.ClearTargetPark, "input.targetParkId"},
		{chainCode != nil, in.ClearChain, "input.chainId"},
		{in.ExpectedInvestmentYuan != nil, in.ClearExpected, "input.expectedInvestmentYuan"},
		{in.NextActionAt != nil, in.ClearNextAction, "input.nextActionAt"},
	} {
		if c.set && c.clear {
			return Lead{}, apperr.Invalid(c.field, "give a value or clear it, not both")
		}
	}
	now := s.now().UTC()
	got, err := s.store.ChangeLead(ctx, key, func(cur Lead) (Change, error) {
		if err := checkVersion(cur, expectedVersion); err != nil {
			return Change{}, err
		}
		n := touched(cur, now)
		if owner != nil {
			n.Owner = *owner
		}
		switch {
		case park != nil:
			n.ParkCode = park
		case in.ClearTargetPark:
			n.ParkCode = nil
		}
		switch {
		case chainCode != nil:
			n.ChainCode = chainCode
		case in.ClearChain:
			n.ChainCode = nil
		}
		if products != nil {
			n.ProductCodes = products
		}
		switch {
		case in.ExpectedInvestmentYuan != nil:
			n.ExpectedInvestmentYuan = in.ExpectedInvestmentYuan
		case in.ClearExpected:
			n.ExpectedInvestmentYuan = nil
		}
		switch {
		case in.NextActionAt != nil:
			n.NextActionAt = utcPtr(in.NextActionAt)
		case in.ClearNextAction:
			n.NextActionAt = nil
		}
		return Change{After: n}, nil
	})
	if err != nil {
		return Lead{}, refError(err, "input.")
	}
	return got, nil
}

// CheckMove applies the stage rules of moveLead: forward one or more open
// stages (IDENTIFIED -> CONTACTED -> VISITED -> NEGOTIATING -> SIGNED),
// any open stage -> LOST, LOST -> IDENTIFIED (reopen). SETTLED is reached
// only through Settle, which also makes the firm local. Anything else is
// BAD_USER_INPUT on "stage".
func CheckMove(from, to Stage) error {
	switch {
	case !to.IsValid():
		return apperr.Invalid("stage", "unknown stage %q", to)
	case to == Settled && from == Signed:
		return apperr.Invalid("stage", "a SIGNED lead settles with settleLead, which also makes the firm local")
	case to == Settled:
		return apperr.Invalid("stage", "a lead settles from SIGNED, with settleLead; this one is %s", from)
	case from.Open() && to == Lost:
		return nil
	case from == Lost && to == Identified:
		return nil
	case from.Open() && to.Open() && to.index() > from.index():
		return nil
	case from == to:
		return apperr.Invalid("stage", "the lead is already %s", from)
	case from == Settled:
		return apperr.Invalid("stage", "a SETTLED lead is closed")
	case from == Lost:
		return apperr.Invalid("stage", "a LOST lead can only be reopened (to IDENTIFIED)")
	default:
		return apperr.Invalid("stage", "a lead moves forward or to LOST, not from %s back to %s", from, to)
	}
}

// Move moves a lead to another stage (see CheckMove), recording who moved
// it, when and why.
func (s *Service) Move(ctx context.Context, id string, to Stage, expectedVersion int, note *string) (Lead, error) {
	if err := authorize(ctx); err != nil {
		return Lead{}, err
	}
	key, err := leadKey(id, "id")
	if err != nil {
		return Lead{}, err
	}
	if !to.IsValid() {
		return Lead{}, apperr.Invalid("stage", "unknown stage %q", to)
	}
	n, err := s.optNote(note)
	if err != nil {
		return Lead{}, err
	}
	now, by, changeID := s.now().UTC(), actor(ctx), s.newID()
	got, err := s.store.ChangeLead(ctx, key, func(cur Lead) (Change, error) {
		if err := checkVersion(cur, expectedVersion); err != nil {
			return Change{}, err
		}
		if err := CheckMove(cur.Stage, to); err != nil {
			return Change{}, err
		}
		after := touched(cur, now)
		after.Stage = to
		from := cur.Stage
		return Change{After: after, Stage: &StageChange{ID: changeID, From: &from, To: to, At: now, By: by, Note: n, Version: after.Version}}, nil
	})
	if err != nil {
		return Lead{}, refError(err, "")
	}
	return got, nil
}

func (s *Service) optNote(note *string) (*string, error) {
	if note == nil {
		return nil, nil
	}
	v, err := validNote("note", *note, false)
	if err != nil || v == "" {
		return nil, err
	}
	return &v, nil
}

// Settle closes a SIGNED lead as SETTLED and, in the same transaction,
// makes its firm local: registered in the park's district, in the park,
// located at the park if it had no location. Chain gaps, settlement
// options, cultivation progress and incentive eligibility change at once.
func (s *Service) Settle(ctx context.Context, id string, expectedVersion int, parkID string) (Lead, error) {
	if err := authorize(ctx); err != nil {
		return Lead{}, err
	}
	key, err := leadKey(id, "id")
	if err != nil {
		return Lead{}, err
	}
	park, err := gid.Key(parkID, gid.Park, "parkId")
	if err != nil {
		return Lead{}, err
	}
	now, by, changeID := s.now().UTC(), actor(ctx), s.newID()
	got, err := s.store.ChangeLead(ctx, key, func(cur Lead) (Change, error) {
		if err := checkVersion(cur, expectedVersion); err != nil {
			return Change{}, err
		}
		if cur.Stage != Signed {
			return Change{}, apperr.Invalid("id", "only a SIGNED lead can settle; this one is %s", cur.Stage)
		}
		after := touched(cur, now)
		after.Stage = Settled
		after.ParkCode = &park
		from := cur.Stage
		return Change{After: after, SettleIn: &park,
			Stage: &StageChange{ID: changeID, From: &from, To: Settled, At: now, By: by, Version: after.Version}}, nil
	})
	if errors.Is(err, ErrParkNotFound) {
		return Lead{}, apperr.Missing("parkId", "no park has this id")
	}
	if err != nil {
		return Lead{}, refError(err, "")
	}
	return got, nil
}

// LogActivity records a call, visit, meeting, email or note on a lead
// (open or closed), authored by the caller. It is a change of the lead:
// its version increments.
func (s *Service) LogActivity(ctx context.Context, leadID string, in ActivityInput) (Activity, error) {
	if err := authorize(ctx); err != nil {
		return Activity{}, err
	}
	key, err := leadKey(leadID, "leadId")
	if err != nil {
		return Activity{}, err
	}
	if !in.Kind.IsValid() {
		return Activity{}, apperr.Invalid("input.kind", "unknown kind %q", in.Kind)
	}
	note, err := validNote("input.note", in.Note, true)
	if err != nil {
		return Activity{}, err
	}
	now := s.now().UTC()
	at := now
	if in.At != nil {
		at = in.At.UTC()
	}
	a := Activity{ID: s.newID(), LeadID: key, Kind: in.Kind, At: at, Note: note, Author: actor(ctx)}
	_, err = s.store.ChangeLead(ctx, key, func(cur Lead) (Change, error) {
		return Change{After: touched(cur, now), Activity: &a}, nil
	})
	if errors.Is(err, ErrLeadNotFound) {
		return Activity{}, apperr.Missing("leadId", "no lead has this id")
	}
	if err != nil {
		return Activity{}, err
	}
	return a, nil
}

// Get returns the lead with this key; ErrLeadNotFound when none.
func (s *Service) Get(ctx context.Context, key string) (Lead, error) {
	if err := authorize(ctx); err != nil {
		return Lead{}, err
	}
	return s.store.Lead(ctx, key)
}

// GetActivity returns the activity with this key; ErrActivityNotFound when none.
func (s *Service) GetActivity(ctx context.Context, key string) (Activity, error) {
	if err := authorize(ctx); err != nil {
		return Activity{}, err
	}
	return s.store.LeadActivity(ctx, key)
}

// ListInput is the input of List; ids are global ids.
type ListInput struct {
	Stages            []Stage
	Owner             *string
	ChainID           *string
	DistrictCode      *string
	ParkID            *string
	EnterpriseID      *string
	NextActionOverdue *bool
	First             *int
	After             *string
}

func first(v *int) (int, error) {
	if v == nil {
		return DefaultFirst, nil
	}
	if *v < 1 || *v > MaxFirst {
		return 0, apperr.Invalid("first", "must be between 1 and %d", MaxFirst)
	}
	return *v, nil
}

// EncodeCursor returns the opaque cursor of a position.
func EncodeCursor(c Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + ":" + c.ID))
}

func decodeCursor(s *string) (*Cursor, error) {
	if s == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	ns, id, ok := strings.Cut(string(b), ":")
	n, perr := strconv.ParseInt(ns, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return nil, apperr.Invalid("after", "not a cursor of this list")
	}
	return &Cursor{At: time.Unix(0, n).UTC(), ID: id}, nil
}

// List returns the leads the filter selects, newest first, with keyset
// cursors over (createdAt, id).
func (s *Service) List(ctx context.Context, in ListInput) (Page, error) {
	if err := authorize(ctx); err != nil {
		return Page{}, err
	}
	n, err := first(in.First)
	if err != nil {
		return Page{}, err
	}
	after, err := decodeCursor(in.After)
	if err != nil {
		return Page{}, err
	}
	f := Filter{Stages: in.Stages, Owner: in.Owner, DistrictCode: in.DistrictCode, NextActionOverdue: in.NextActionOverdue, Now: s.now().UTC()}
	for _, st := range in.Stages {
		if !st.IsValid() {
			return Page{}, apperr.Invalid("filter.stage", "unknown stage %q", st)
		}
	}
	if f.ChainCode, err = optKey(in.ChainID, gid.Chain, "filter.chainId"); err != nil {
		return Page{}, err
	}
	if f.ParkCode, err = optKey(in.ParkID, gid.Park, "filter.parkId"); err != nil {
		return Page{}, err
	}
	if f.EnterpriseUSCC, err = optKey(in.EnterpriseID, gid.Enterprise, "filter.enterpriseId"); err != nil {
		return Page{}, err
	}
	p, err := s.store.Leads(ctx, f, n, after)
	if err != nil {
		return Page{}, err
	}
	p.HasPreviousPage = after != nil
	return p, nil
}

// Activities returns a page of the lead's activities, newest first.
func (s *Service) Activities(ctx context.Context, leadKey string, firstN *int, afterS *string) (ActivityPage, error) {
	q, err := s.ActivityQueryOf(leadKey, firstN, afterS)
	if err != nil {
		return ActivityPage{}, err
	}
	ps, err := s.ActivityPages(ctx, []ActivityQuery{q})
	if err != nil {
		return ActivityPage{}, err
	}
	return ps[0], nil
}

// ActivityQueryOf checks the arguments of Lead.activities and returns the
// comparable query for that page.
func (s *Service) ActivityQueryOf(leadKey string, firstN *int, afterS *string) (ActivityQuery, error) {
	n, err := first(firstN)
	if err != nil {
		return ActivityQuery{}, err
	}
	if _, err := decodeCursor(afterS); err != nil {
		return ActivityQuery{}, err
	}
	q := ActivityQuery{LeadID: leadKey, First: n}
	if afterS != nil {
		q.After = *afterS
	}
	return q, nil
}

// ActivityPages returns the pages qs ask for, in their order, with one
// statement per distinct page size and cursor: a page of leads that
// selects the same activities page of each lead costs one statement.
func (s *Service) ActivityPages(ctx context.Context, qs []ActivityQuery) ([]ActivityPage, error) {
	if err := authorize(ctx); err != nil {
		return nil, err
	}
	type window struct {
		first int
		after string
	}
	groups := map[window][]int{}
	var order []window
	for i, q := range qs {
		w := window{q.First, q.After}
		if _, ok := groups[w]; !ok {
			order = append(order, w)
		}
		groups[w] = append(groups[w], i)
	}
	out := make([]ActivityPage, len(qs))
	for _, w := range order {
		var after *Cursor
		if w.after != "" {
			a := w.after
			c, err := decodeCursor(&a)
			if err != nil {
				return nil, err
			}
			after = c
		}
		idx := groups[w]
		ids := make([]string, len(idx))
		for j, i := range idx {
			ids[j] = qs[i].LeadID
		}
		ps, err := s.store.LeadActivities(ctx, ids, w.first, after)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			ps[j].HasPreviousPage = after != nil
			out[i] = ps[j]
		}
	}
	return out, nil
}

// History returns the lead's stage changes, oldest first.
func (s *Service) History(ctx context.Context, leadKey string) ([]StageChange, error) {
	if err := authorize(ctx); err != nil {
		return nil, err
	}
	l, err := s.store.Lead(ctx, leadKey)
	if err != nil {
		return nil, err
	}
	return l.History, nil
}

// Pipeline summarises the leads of a chain and a district (of the target
// park); nil means any.
func (s *Service) Pipeline(ctx context.Context, chainID, districtCode *string) (Pipeline, error) {
	if err := authorize(ctx); err != nil {
		return Pipeline{}, err
	}
	chainCode, err := optKey(chainID, gid.Chain, "chainId")
	if err != nil {
		return Pipeline{}, err
	}
	leads, err := s.store.PipelineLeads(ctx, chainCode, districtCode)
	if err != nil {
		return Pipeline{}, err
	}
	return Summarize(leads), nil
}

// Summarize computes the pipeline figures of leads: counts by stage (every
// stage, in order) and by chain (chains in code order), the median days
// leads stayed in each stage before leaving it, and the conversion rate
// SETTLED / leads that ever left IDENTIFIED.
func Summarize(leads []PipelineLead) Pipeline {
	var p Pipeline
	counts := func() []StageCount {
		out := make([]StageCount, len(Stages))
		for i, st := range Stages {
			out[i].Stage = st
		}
		return out
	}
	p.ByStage = counts()
	byChain := map[string][]StageCount{}
	stays := map[Stage][]float64{}
	settled, left := 0, 0
	for _, l := range leads {
		i := l.Stage.index()
		if i < 0 {
			continue
		}
		p.ByStage[i].Count++
		if l.ChainCode != nil {
			c, ok := byChain[*l.ChainCode]
			if !ok {
				c = counts()
				byChain[*l.ChainCode] = c
			}
			c[i].Count++
		}
		if l.Stage == Settled {
			settled++
		}
		leftIdentified := false
		for j, ch := range l.History {
			if ch.From != nil && *ch.From == Identified {
				leftIdentified = true
			}
			if j+1 < len(l.History) {
				next := l.History[j+1]
				stays[ch.To] = append(stays[ch.To], next.At.Sub(ch.At).Hours()/24)
			}
		}
		if leftIdentified {
			left++
		}
	}
	codes := make([]string, 0, len(byChain))
	for c := range byChain {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	p.ByChain = make([]ChainCounts, len(codes))
	for i, c := range codes {
		p.ByChain[i] = ChainCounts{ChainCode: c, ByStage: byChain[c]}
	}
	p.MedianDaysInStage = make([]StageDays, len(Stages))
	for i, st := range Stages {
		p.MedianDaysInStage[i] = StageDays{Stage: st, Days: median(stays[st])}
	}
	if left > 0 {
		p.ConversionRate = float64(settled) / float64(left)
	}
	return p
}

func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}

// SettlementImpact computes, without writing, what settling the firm in the
// park would change, with the same formulas and rules the live operations
// use (internal/match): the severity of the chain gaps of its products
// before and after (it becomes one more local maker, and one more local
// buyer of what it also needs), the local firms that would gain it as a
// supplier or a customer, the incentives it would qualify for as a firm
// registered in the park's district, and the cultivation counts after.
// For a firm that is already local only the park changes: the figures
// stay as they are and no firm gains a new local partner.
func (s *Service) SettlementImpact(ctx context.Context, enterpriseID, parkID string) (Impact, error) {
	if err := authorize(ctx); err != nil {
		return Impact{}, err
	}
	uscc, err := gid.Key(enterpriseID, gid.Enterprise, "enterpriseId")
	if err != nil {
		return Impact{}, err
	}
	park, err := gid.Key(parkID, gid.Park, "parkId")
	if err != nil {
		return Impact{}, err
	}
	f, err := s.store.SettlementImpactFacts(ctx, uscc, park)
	switch {
	case errors.Is(err, ErrEnterpriseNotFound):
		return Impact{}, apperr.Missing("enterpriseId", "no enterprise has this id")
	case errors.Is(err, ErrParkNotFound):
		return Impact{}, apperr.Missing("parkId", "no park has this id")
	case err != nil:
		return Impact{}, err
	}
	im := Impact{EnterpriseUSCC: uscc, ParkCode: park, Gaps: []GapChange{}, NewSupplierFor: []string{}, NewCustomerFor: []string{}}
	self := 0
	if f.IsLocal {
		self = 1
	}
	for _, o := range f.Offers {
		needs := 0
		if o.NeedsToo {
			needs = 1
		}
		// Before: the firm counts only if it is local already; after, it
		// is a local maker (and buyer, if it needs the product too).
		dBefore, sBefore := o.Demand+needs*self, o.Supply+self
		dAfter, sAfter := o.Demand+needs, o.Supply+1
		if dBefore <= 0 && dAfter <= 0 {
			continue // no local demand: not a gap before or after
		}
		im.Gaps = append(im.Gaps, GapChange{
			ProductCode:    o.ProductCode,
			SeverityBefore: match.GapSeverity(dBefore, sBefore), SeverityAfter: match.GapSeverity(dAfter, sAfter),
			LocalSupplyBefore: sBefore, LocalSupplyAfter: sAfter,
		})
	}
	if !f.IsLocal {
		im.NewSupplierFor = append(im.NewSupplierFor, f.Buyers...)
		im.NewCustomerFor = append(im.NewCustomerFor, f.Makers...)
	}
	if im.Incentives, err = s.analytics.IncentivesIfLocal(ctx, enterpriseID); err != nil {
		return Impact{}, fmt.Errorf("incentives: %w", err)
	}
	cp, err := s.analytics.CultivationProgress(ctx)
	if err != nil {
		return Impact{}, fmt.Errorf("cultivation: %w", err)
	}
	im.NationalLittleGiantsAfter, im.ProvincialSRDIAfter = cp.NationalLittleGiants, cp.ProvincialSRDI
	if !f.IsLocal {
		im.NationalLittleGiantsAfter += match.CountsAs(f.Designations, match.National)
		im.ProvincialSRDIAfter += match.CountsAs(f.Designations, match.Provincial)
	}
	return im, nil
}
