// Package monitoring computes DIAN's national view of a year (§8.3-8.5): calls by
// phase, dossiers, money against the envelopes, the two allocation shares, the PNE
// response rate and the items overdue. Every figure comes from one SQL query on the
// application database (a Source); nothing scans workflows at request time, and a
// table adds its figures by appending one Source to DefaultSources (followup.go:
// the comptes-rendus financiers, controls, renewals blocked and CTAI requests).
package overview

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
)

// Metric names: the keys of Figures. Sources may add their own.
const (
	CampaignsTotal          = "campaigns"
	CampaignsPublished      = "campaigns_published_so_far" // published at some point, whatever their phase now
	DossiersFiled           = "dossiers_filed"
	DossiersRetained        = "dossiers_retained"
	EnvelopeCents           = "envelope_cents"
	RequestedCents          = "requested_cents"
	GrantedCents            = "granted_cents"
	CommittedCents          = "committed_cents"
	EmploymentLanguageCents = "employment_language_cents"
	BeneficiariesBPI        = "beneficiaries_bpi"
	BeneficiariesNonBPI     = "beneficiaries_non_bpi"
	ConventionsSigned       = "conventions_signed"
	ConventionsAwaiting     = "conventions_awaiting_signature"
	ConventionsLapsed       = "conventions_lapsed"
	PNEStructures           = "pne_structures"
	PNEAnswered             = "pne_answered"
)

// CampaignsInPhase is the metric counting the calls in one phase: "campaigns_published".
func CampaignsInPhase(phase string) string { return "campaigns_" + phase }

// Figures are one territory's counts and amounts (cents), by metric name.
type Figures map[string]int64

// Query is what a source is asked for.
type Query struct {
	Year   int
	Policy *policy.Policy // the year's policy; nil when the year has none
	Now    time.Time
}

// Adder records a value of a metric for a territory: the department's figure
// is also its region's and the nation's (department empty for regional calls).
type Adder func(region, department, metric string, value int64)

// Source is one SQL query adding its figures to the overview.
type Source struct {
	Name    string
	Collect func(ctx context.Context, db *gorm.DB, q Query, add Adder) error
}

// OverdueSource is one SQL query listing items past their deadline.
type OverdueSource struct {
	Name    string
	Collect func(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error)
}

// Overdue is one item past its deadline, for DIAN to chase.
type Overdue struct {
	Kind         string    `json:"kind"` // stable code: aap_not_published, convention_unsigned, …
	Region       string    `json:"region"`
	Department   string    `json:"department,omitempty"`
	CampaignID   string    `json:"campaign_id,omitempty"`
	ConventionID string    `json:"convention_id,omitempty"`
	Due          time.Time `json:"due"`
	Message      string    `json:"message"` // French
}

// Shares are the two allocation rules of §8.1 measured on the retained dossiers.
type Shares struct {
	// EmploymentLanguagePercent is the share of granted credits going to
	// employment and language themes; nil when nothing is granted.
	EmploymentLanguagePercent *float64 `json:"employment_language_percent"`
	EmploymentLanguageTarget  int      `json:"employment_language_target_percent"`
	// NonBPIPercent is the share of beneficiaries other than BPI; nil without beneficiaries.
	NonBPIPercent *float64 `json:"non_bpi_percent"`
	NonBPITarget  int      `json:"non_bpi_target_percent"`
	// PNEResponsePercent is the answered share of the year's PNE structures.
	PNEResponsePercent *float64 `json:"pne_response_percent"`
	PNETarget          int      `json:"pne_target_percent"`
}

// Area is the nation, a region or a department with its figures.
type Area struct {
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Figures     Figures `json:"figures"`
	Shares      Shares  `json:"shares"`
	Departments []Area  `json:"departments,omitempty"`
}

// Overview is DIAN's view of one year.
type Overview struct {
	Year int `json:"year"`
	// GeneratedAt is when this answer was made; ComputedAt when its figures were read
	// from the database (earlier by at most MaxAgeSeconds: the service keeps a year's
	// figures that long, cache.go; 0 when they were computed for this answer).
	GeneratedAt   time.Time `json:"generated_at"`
	ComputedAt    time.Time `json:"computed_at"`
	MaxAgeSeconds int       `json:"max_age_seconds"`
	National      Area      `json:"national"`
	// Regions lists the regions with at least one figure, by code, each with its
	// departments that have one.
	Regions []Area    `json:"regions"`
	Overdue []Overdue `json:"overdue"`
	// Policy says which instruction's rules the year follows (an earlier year's when the
	// year has none yet); nil when no policy covers it.
	Policy *PolicyInfo `json:"policy"`
	// Deviations are the calls departing from the objectives of §8.1 or the calendar of §8.3,
	// each with its justification.
	Deviations []Deviation `json:"deviations"`
	// TerritoriesFlagged are the departments without any call published by the end of Q1,
	// or closed by 31 May (§8.3), once the date has passed.
	TerritoriesFlagged []TerritoryFlag `json:"territories_flagged"`
}

// Service computes overviews from the database.
type Service struct {
	DB       *gorm.DB
	Policies *policy.Set // may be nil: no targets, no deadlines
	Sources  []Source
	Overdues []OverdueSource
	Now      func() time.Time
	// CacheFor is how long a year's figures are kept and answered again (cache.go);
	// 0: computed for every answer.
	CacheFor time.Duration
	cache    cache
}

// New returns a service with the default sources.
func New(db *gorm.DB, policies *policy.Set, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{DB: db, Policies: policies, Sources: DefaultSources(), Overdues: DefaultOverdues(), Now: now}
}

// Overview answers the figures of year, computed at most CacheFor ago.
func (s *Service) Overview(ctx context.Context, year int) (*Overview, error) {
	if s.CacheFor > 0 {
		return s.cached(ctx, year)
	}
	return s.compute(ctx, year, s.Now())
}

// compute reads the figures of year from the database, as of now.
func (s *Service) compute(ctx context.Context, year int, now time.Time) (*Overview, error) {
	q := Query{Year: year, Now: now}
	if s.Policies != nil {
		if p, err := s.Policies.ForYear(year); err == nil {
			q.Policy = &p
		}
	}
	national := Figures{}
	regions := map[string]Figures{}
	departments := map[string]Figures{}
	add := func(region, department, metric string, v int64) {
		national[metric] += v
		if region != "" {
			bump(regions, region, metric, v)
		}
		if department != "" {
			bump(departments, department, metric, v)
		}
	}
	for _, src := range s.Sources {
		if err := src.Collect(ctx, s.DB, q, add); err != nil {
			return nil, fmt.Errorf("overview source %s: %w", src.Name, err)
		}
	}
	out := &Overview{Year: year, GeneratedAt: q.Now.UTC(), ComputedAt: q.Now.UTC(), Overdue: []Overdue{}, Policy: policyInfo(year, q.Policy)}
	var err error
	if out.Deviations, err = deviations(ctx, s.DB, year); err != nil {
		return nil, fmt.Errorf("overview deviations: %w", err)
	}
	if out.TerritoriesFlagged, err = territoryFlags(ctx, s.DB, q); err != nil {
		return nil, fmt.Errorf("overview territory flags: %w", err)
	}
	out.National = area("FR", "France entière", national, q.Policy)
	out.Regions = []Area{}
	for _, r := range territory.Regions() {
		f, ok := regions[r.Code]
		if !ok {
			continue
		}
		ra := area(r.Code, r.Name, f, q.Policy)
		for _, d := range territory.DepartmentsOf(r.Code) {
			if df, ok := departments[d.Code]; ok {
				ra.Departments = append(ra.Departments, area(d.Code, d.Name, df, q.Policy))
			}
		}
		out.Regions = append(out.Regions, ra)
	}
	for _, src := range s.Overdues {
		items, err := src.Collect(ctx, s.DB, q)
		if err != nil {
			return nil, fmt.Errorf("overdue source %s: %w", src.Name, err)
		}
		out.Overdue = append(out.Overdue, items...)
	}
	slices.SortStableFunc(out.Overdue, func(a, b Overdue) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if a.Region != b.Region {
			return strings.Compare(a.Region, b.Region)
		}
		return strings.Compare(a.Department, b.Department)
	})
	return out, nil
}

func bump(m map[string]Figures, code, metric string, v int64) {
	if m[code] == nil {
		m[code] = Figures{}
	}
	m[code][metric] += v
}

func area(code, name string, f Figures, p *policy.Policy) Area {
	a := Area{Code: code, Name: name, Figures: f, Shares: SharesOf(f, p)}
	return a
}

// SharesOf measures the allocation shares of figures against the policy's targets.
func SharesOf(f Figures, p *policy.Policy) Shares {
	var s Shares
	if p != nil {
		s.EmploymentLanguageTarget = p.Selection.EmploymentLanguageMinPercent
		s.NonBPITarget = p.Selection.NonBPIBeneficiariesMinPercent
		s.PNETarget = p.PNE.TargetResponsePercent
	}
	s.EmploymentLanguagePercent = percent(f[EmploymentLanguageCents], f[GrantedCents])
	s.NonBPIPercent = percent(f[BeneficiariesNonBPI], f[BeneficiariesBPI]+f[BeneficiariesNonBPI])
	s.PNEResponsePercent = percent(f[PNEAnswered], f[PNEStructures])
	return s
}

// percent rounds part/total down to one decimal, so a share under a target never reads as reaching it.
func percent(part, total int64) *float64 {
	if total <= 0 {
		return nil
	}
	tenths := part * 1000 / total
	v := float64(tenths) / 10
	return &v
}

// RegionOf returns the region and department of a call's territory.
func RegionOf(level, code string) (region, department string) {
	if d, ok := territory.LookupDepartment(code); ok && level != "regional" {
		return d.RegionCode, d.Code
	}
	return code, ""
}
