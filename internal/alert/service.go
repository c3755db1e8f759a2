package alert

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
	"chainmatch/internal/enterprise"
	"chainmatch/internal/gid"
	"chainmatch/internal/match"
)

// Limits of the operations, documented in the schema.
const (
	DefaultFirst  = 20
	MaxFirst      = 100
	MaxNameLength = 200
	// KnownFirst is how many of a search's current results are read when it
	// is saved, to tell the firms already in it from new ones.
	KnownFirst = match.MaxMatchFirst
)

// Storer is what the service needs from the graph. Missing saved searches
// and alerts are apperr.ErrNotFound.
type Storer interface {
	// CreateSavedSearch writes s; ErrNotFound when its enterprise or one of
	// its products does not exist (then nothing is written).
	CreateSavedSearch(ctx context.Context, s SavedSearch) error
	SavedSearch(ctx context.Context, id string) (SavedSearch, error)
	// SavedSearches pages saved searches newest first, those of ownerID
	// only when it is set.
	SavedSearches(ctx context.Context, ownerID *string, first int, after *Cursor) (SearchPage, error)
	// DeleteSavedSearch deletes the search and its alerts.
	DeleteSavedSearch(ctx context.Context, id string) error
	// SearchesFor returns, for each firm of usccs (by USCC), the saved
	// searches it could newly enter: those whose products (or whose
	// enterprise's needs or products) the firm makes or buys, the very
	// product or one of the same or a neighbouring chain segment, and the
	// partner searches of firms it shares a trade partner with; leaving out
	// searches for the firm itself, searches that knew it when saved and
	// searches that already alerted about it. One statement for all firms;
	// it reads through indexes and relationships from the firms, never
	// every saved search.
	SearchesFor(ctx context.Context, usccs []string) (map[string][]SavedSearch, error)
	// SearchesOf returns the saved searches for the firms of usccs (as
	// askers), each with the candidates it already alerted about added to
	// Known.
	SearchesOf(ctx context.Context, usccs []string) ([]SavedSearch, error)
	// RecordAlerts writes the alerts, each at most once per search and
	// candidate (a uniqueness key), and returns how many were new.
	RecordAlerts(ctx context.Context, alerts []Alert) (int, error)
	Alert(ctx context.Context, id string) (Alert, error)
	// Alerts pages the owner's alerts newest first.
	Alerts(ctx context.Context, ownerID string, first int, after *Cursor) (AlertPage, error)
	// AlertsAfter returns up to limit alerts after the position, in
	// position order (cause seq, then id), of every owner.
	AlertsAfter(ctx context.Context, after Position, limit int) ([]Alert, error)
	// LastAlertSeq is the highest cause position of any alert (0 for none).
	LastAlertSeq(ctx context.Context) (int64, error)
}

// Matcher is the part of the match service saved searches run on: one
// source of scoring rules for lists and alerts.
type Matcher interface {
	SupplierMatches(ctx context.Context, q match.MatchQuery) ([]match.Match, error)
	CustomerMatches(ctx context.Context, q match.MatchQuery) ([]match.Match, error)
	PartnerMatches(ctx context.Context, q match.MatchQuery) ([]match.Match, error)
	// CandidateMatches scores firms for requests, many at once, as
	// CandidateMatch scores one (the evaluator's path).
	CandidateMatches(ctx context.Context, reqs []match.CandidateRequest) ([]match.CandidateResult, error)
}

// Service is the saved-search and alert business layer; see the package
// comment.
type Service struct {
	store   Storer
	matcher Matcher
	now     func() time.Time
	newID   func() string
}

// NewService returns the service.
func NewService(store Storer, matcher Matcher) *Service {
	return &Service{store: store, matcher: matcher, now: time.Now, newID: randomID}
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SaveInput is the input of Save; it mirrors SavedSearchInput (ids are
// global ids).
type SaveInput struct {
	Name          string
	Kind          Kind
	EnterpriseID  string
	ProductIDs    []string
	LocalOnly     *bool // default true
	MaxDistanceKm *float64
	Designations  []enterprise.Designation
	MinScore      *float64 // default 0
}

// canSee reports whether the caller may read an object owned by owner:
// staff and admins all, partners their own.
func canSee(p auth.Principal, owner string) bool {
	return p.Role.AtLeast(auth.Staff) || (p.ID != "" && p.ID == owner)
}

// Save validates the input and saves the search for the caller (partners,
// staff and admins; anonymous callers are UNAUTHENTICATED). Bad input is
// BAD_USER_INPUT naming the field, and nothing is written. The firms that
// are already results at or above minScore are remembered, so that only
// new candidates raise alerts.
func (s *Service) Save(ctx context.Context, in SaveInput) (SavedSearch, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return SavedSearch{}, err
	}
	p := auth.FromContext(ctx)
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > MaxNameLength {
		return SavedSearch{}, apperr.Invalid("input.name", "must be 1 to %d characters", MaxNameLength)
	}
	if !in.Kind.IsValid() {
		return SavedSearch{}, apperr.Invalid("input.kind", "unknown kind %q", in.Kind)
	}
	uscc, err := gid.Key(in.EnterpriseID, gid.Enterprise, "input.enterpriseId")
	if err != nil {
		return SavedSearch{}, err
	}
	var codes []string
	if in.ProductIDs != nil {
		codes = []string{}
		for i, id := range in.ProductIDs {
			c, err := gid.Key(id, gid.Product, fmt.Sprintf("input.productIds[%d]", i))
			if err != nil {
				return SavedSearch{}, err
			}
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
	}
	if d := in.MaxDistanceKm; d != nil && (!(*d > 0) || math.IsInf(*d, 0)) {
		return SavedSearch{}, apperr.Invalid("input.maxDistanceKm", "must be a distance in km greater than 0")
	}
	var designations []enterprise.Designation
	if in.Designations != nil {
		designations = []enterprise.Designation{}
		for i, d := range in.Designations {
			if !d.IsValid() {
				return SavedSearch{}, apperr.Invalid(fmt.Sprintf("input.designations[%d]", i), "unknown designation %q", d)
			}
			if !slices.Contains(designations, d) {
				designations = append(designations, d)
			}
		}
	}
	minScore := 0.0
	if in.MinScore != nil {
		minScore = *in.MinScore
	}
	if !(minScore >= 0 && minScore <= 1) {
		return SavedSearch{}, apperr.Invalid("input.minScore", "must be between 0 and 1")
	}
	localOnly := in.LocalOnly == nil || *in.LocalOnly
	ss := SavedSearch{
		ID: s.newID(), Name: name, Kind: in.Kind, OwnerID: p.ID, OwnerRole: p.Role,
		EnterpriseUSCC: uscc, ProductCodes: codes, LocalOnly: localOnly, MaxDistanceKm: in.MaxDistanceKm,
		Designations: designations, MinScore: minScore, Language: match.LanguageFrom(ctx),
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	// The current results: they check that the enterprise and products
	// exist (with the matches' own rules) and are the known firms.
	known, err := s.current(ctx, ss)
	if err != nil {
		return SavedSearch{}, err
	}
	ss.Known = known
	if err := s.store.CreateSavedSearch(ctx, ss); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return SavedSearch{}, apperr.Invalid("input.enterpriseId", "the enterprise or one of the products no longer exists")
		}
		return SavedSearch{}, err
	}
	return ss, nil
}

// current runs the search as a match list (the first KnownFirst results)
// and returns the firms at or above its minimum score. A missing
// enterprise or product is BAD_USER_INPUT on its field.
func (s *Service) current(ctx context.Context, ss SavedSearch) ([]string, error) {
	ms, err := s.results(ctx, ss)
	if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
		return nil, apperr.Invalid(e.Field, "%s", e.Message)
	}
	if err != nil {
		return nil, err
	}
	known := []string{}
	for _, m := range ms {
		known = append(known, m.CandidateUSCC)
	}
	return known, nil
}

// results runs the search as a match list (the first KnownFirst results,
// in the language of ctx) and returns those at or above its minimum
// score. A missing enterprise or product is NOT_FOUND on its field.
func (s *Service) results(ctx context.Context, ss SavedSearch) ([]match.Match, error) {
	first := KnownFirst
	q := match.MatchQuery{
		EnterpriseID: gid.Encode(gid.Enterprise, ss.EnterpriseUSCC), LocalOnly: &ss.LocalOnly,
		MaxDistanceKm: ss.MaxDistanceKm, Designations: ss.Designations, First: &first,
	}
	for _, c := range ss.ProductCodes {
		q.ProductIDs = append(q.ProductIDs, gid.Encode(gid.Product, c))
	}
	run := s.matcher.SupplierMatches
	switch ss.Kind {
	case Customer:
		run = s.matcher.CustomerMatches
	case Partner:
		run = s.matcher.PartnerMatches
	}
	ms, err := run(ctx, q)
	if err != nil {
		return nil, err
	}
	out := ms[:0]
	for _, m := range ms {
		if m.Score >= ss.MinScore {
			out = append(out, m)
		}
	}
	return out, nil
}

// searchKey decodes a saved search's global id.
func searchKey(id, field string) (string, error) { return gid.Key(id, gid.SavedSearch, field) }

// Get returns the saved search with key id if the caller may see it
// (partners their own, staff and admins all); ErrNotFound otherwise, so
// that partners never learn whether another's search exists.
func (s *Service) Get(ctx context.Context, id string) (SavedSearch, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return SavedSearch{}, err
	}
	ss, err := s.store.SavedSearch(ctx, id)
	if err != nil {
		return SavedSearch{}, err
	}
	if !canSee(auth.FromContext(ctx), ss.OwnerID) {
		return SavedSearch{}, fmt.Errorf("saved search %s: %w", id, apperr.ErrNotFound)
	}
	return ss, nil
}

// List pages the caller's saved searches (staff and admins: everyone's),
// newest first, with keyset cursors over (createdAt, id).
func (s *Service) List(ctx context.Context, first *int, after *string) (SearchPage, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return SearchPage{}, err
	}
	n, cur, err := pageArgs(first, after)
	if err != nil {
		return SearchPage{}, err
	}
	var owner *string
	if p := auth.FromContext(ctx); !p.Role.AtLeast(auth.Staff) {
		owner = &p.ID
	}
	pg, err := s.store.SavedSearches(ctx, owner, n, cur)
	if err != nil {
		return SearchPage{}, err
	}
	pg.HasPreviousPage = cur != nil
	return pg, nil
}

// Delete deletes a saved search and its alerts. Partners may delete their
// own only, staff and admins any; an id the caller may not see is
// NOT_FOUND, as one that does not exist.
func (s *Service) Delete(ctx context.Context, id string) (bool, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return false, err
	}
	key, err := searchKey(id, "id")
	if err != nil {
		return false, err
	}
	if _, err := s.Get(ctx, key); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return false, apperr.Missing("id", "no saved search of yours has this id")
		}
		return false, err
	}
	if err := s.store.DeleteSavedSearch(ctx, key); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return false, apperr.Missing("id", "no saved search of yours has this id")
		}
		return false, err
	}
	return true, nil
}

// Alerts pages the caller's alerts (of the searches the caller saved),
// newest first, with keyset cursors over (createdAt, id).
func (s *Service) Alerts(ctx context.Context, first *int, after *string) (AlertPage, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return AlertPage{}, err
	}
	n, cur, err := pageArgs(first, after)
	if err != nil {
		return AlertPage{}, err
	}
	pg, err := s.store.Alerts(ctx, auth.FromContext(ctx).ID, n, cur)
	if err != nil {
		return AlertPage{}, err
	}
	pg.HasPreviousPage = cur != nil
	return pg, nil
}

// GetAlert returns the alert with key id under the rules of Get.
func (s *Service) GetAlert(ctx context.Context, id string) (Alert, error) {
	if err := auth.Require(ctx, auth.Partner); err != nil {
		return Alert{}, err
	}
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return Alert{}, err
	}
	if !canSee(auth.FromContext(ctx), a.OwnerID) {
		return Alert{}, fmt.Errorf("alert %s: %w", id, apperr.ErrNotFound)
	}
	return a, nil
}

// SearchOfAlert returns the saved search an alert belongs to, without an
// access check: whoever may see the alert may see its search.
func (s *Service) SearchOfAlert(ctx context.Context, a Alert) (SavedSearch, error) {
	if a.Search != nil {
		return *a.Search, nil
	}
	return s.store.SavedSearch(ctx, a.SearchID)
}

// Evaluate decides the alerts a change raises: EvaluateBatch of the one
// change.
func (s *Service) Evaluate(ctx context.Context, ch Change) ([]Alert, error) {
	return s.EvaluateBatch(ctx, []Change{ch})
}

// EvaluateBatch decides the alerts a batch of changes raises, for the
// firms as candidates in a fixed number of statements whatever the number
// of changes, firms and saved searches, and for the firms as askers in the
// lists of their own searches:
//
//   - As a candidate: for every firm the changes touched, the saved
//     searches it could newly enter (Storer.SearchesFor, one statement for
//     all firms), all scored at once by the match service
//     (CandidateMatches, two statements); an alert for every search the
//     firm now enters at or above its minimum score.
//   - As an asker: the saved searches for the firms the changes touched
//     (one statement) are run again as match lists, once per batch each (a
//     firm that moves or gains a need or product can bring new firms into
//     its own searches); an alert for every result at or above the minimum
//     score that the search neither knew when saved nor has alerted
//     about. Only the first KnownFirst results are looked at, as when the
//     search was saved.
//
// Each alert's cause is the first change of the batch that touched the
// firm (the candidate, or the asker): the one that evaluating the events
// one by one would name, since an evaluation always reads the graph as it
// is now, after every change of the batch. It writes nothing; ids and
// times are set here, outside any transaction.
func (s *Service) EvaluateBatch(ctx context.Context, chs []Change) ([]Alert, error) {
	cause := map[string]Change{} // firm -> first change touching it
	var firms []string
	for _, ch := range chs {
		switch ch.Kind {
		case EnterpriseCreated, EnterpriseUpdated, SupplyAdded, SupplyRemoved:
		default:
			continue
		}
		c := ch
		c.Firms = nil
		for _, firm := range ch.Firms {
			if _, ok := cause[firm]; !ok {
				firms = append(firms, firm)
				cause[firm] = c
			}
		}
	}
	if len(firms) == 0 {
		return nil, nil
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	var out []Alert
	raised := map[string]bool{} // search id|candidate

	// The firms as candidates of others' searches.
	searches, err := s.store.SearchesFor(ctx, firms)
	if err != nil {
		return nil, fmt.Errorf("searches for %d firms: %w", len(firms), err)
	}
	var reqs []match.CandidateRequest
	var of []SavedSearch
	for _, firm := range firms {
		for _, ss := range searches[firm] {
			reqs = append(reqs, match.CandidateRequest{Criteria: ss.criteria(), CandidateUSCC: firm, Language: ss.Language})
			of = append(of, ss)
		}
	}
	if len(reqs) > 0 {
		res, err := s.matcher.CandidateMatches(ctx, reqs)
		if err != nil {
			return nil, fmt.Errorf("score %d firms for %d searches: %w", len(firms), len(reqs), err)
		}
		for i, r := range res {
			ss, firm := of[i], reqs[i].CandidateUSCC
			if !r.OK || r.Match.Score < ss.MinScore {
				continue
			}
			raised[ss.ID+"|"+firm] = true
			out = append(out, Alert{ID: s.newID(), SearchID: ss.ID, OwnerID: ss.OwnerID, Match: r.Match, Cause: cause[firm], CreatedAt: now})
		}
	}

	// The firms as askers of their own searches.
	own, err := s.store.SearchesOf(ctx, firms)
	if err != nil {
		return nil, fmt.Errorf("searches of %d firms: %w", len(firms), err)
	}
	for _, ss := range own {
		ms, err := s.results(match.WithLanguage(ctx, ss.Language), ss)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue // its firm or a product it names is gone: nothing to match
		}
		if err != nil {
			return nil, fmt.Errorf("run search %s: %w", ss.ID, err)
		}
		for _, m := range ms {
			key := ss.ID + "|" + m.CandidateUSCC
			if raised[key] || slices.Contains(ss.Known, m.CandidateUSCC) {
				continue
			}
			raised[key] = true
			out = append(out, Alert{ID: s.newID(), SearchID: ss.ID, OwnerID: ss.OwnerID, Match: m, Cause: cause[ss.EnterpriseUSCC], CreatedAt: now})
		}
	}
	return out, nil
}

// Handle evaluates the change and records its alerts in one write.
func (s *Service) Handle(ctx context.Context, ch Change) (int, error) {
	alerts, err := s.Evaluate(ctx, ch)
	if err != nil || len(alerts) == 0 {
		return 0, err
	}
	return s.store.RecordAlerts(ctx, alerts)
}

// pageArgs validates a page size and decodes a cursor.
func pageArgs(first *int, after *string) (int, *Cursor, error) {
	n := DefaultFirst
	if first != nil {
		if *first < 1 || *first > MaxFirst {
			return 0, nil, apperr.OutOfRange("first", 1, MaxFirst, "must be between 1 and %d", MaxFirst)
		}
		n = *first
	}
	if after == nil {
		return n, nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	ns, id, ok := strings.Cut(string(b), ":")
	t, perr := strconv.ParseInt(ns, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return 0, nil, apperr.Invalid("after", "not a cursor of this list")
	}
	return n, &Cursor{At: time.UnixMilli(t).UTC(), ID: id}, nil
}

// EncodeCursor returns the opaque cursor of a position.
func EncodeCursor(c Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixMilli(), 10) + ":" + c.ID))
}
