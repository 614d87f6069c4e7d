package overview_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// fixture writes rows as the activities do.
type fixture struct {
	t  testing.TB
	db *gorm.DB
	n  int
}

func (f *fixture) id(prefix string) string {
	f.n++
	return fmt.Sprintf("%s-%06d", prefix, f.n)
}

func (f *fixture) campaign(level, terr, phase string, budget int64, published *time.Time) *models.Campaign {
	c := &models.Campaign{ID: f.id("c"), Year: 2024, Level: level, Territory: terr, Title: "Appel " + terr,
		BudgetCents: budget, Phase: phase, PublishedAt: published, PolicyName: "2024"}
	c.WorkflowID = "campaign-" + c.ID
	require.NoError(f.t, f.db.Create(c).Error)
	return c
}

type dossier struct {
	theme              string
	requested, granted int64
	retained           bool
	bpi, nonBPI        int
	state              string
}

func (f *fixture) dossier(c *models.Campaign, d dossier) *models.Application {
	a := &models.Application{ID: f.id("a"), CampaignID: c.ID, Year: c.Year, Theme: d.theme,
		RequestedCents: d.requested, BeneficiariesBPI: d.bpi, BeneficiariesNonBPI: d.nonBPI, State: d.state}
	a.WorkflowID, a.AssociationKey, a.TitleKey = "application-"+a.ID, "rna:"+a.ID, a.ID
	if a.State == "" {
		a.State = models.ApplicationUnderReview
	}
	if d.retained {
		a.Decision, a.GrantedCents, a.State = selection.Retained, d.granted, models.ApplicationRetained
	}
	require.NoError(f.t, f.db.Create(a).Error)
	return a
}

func (f *fixture) convention(a *models.Application, state string, created time.Time) *models.Convention {
	v := &models.Convention{ID: f.id("v"), ApplicationID: a.ID, CampaignID: a.CampaignID, Reference: "CONV-" + a.ID,
		GrantedCents: a.GrantedCents, State: state, CreatedAt: created}
	require.NoError(f.t, f.db.Create(v).Error)
	return v
}

func (f *fixture) pneStructure(region, department string, answered bool) {
	s := &models.PNEStructure{Year: 2024, AssociationKey: f.id("rna"), Region: region, Department: department, Token: f.id("tok")}
	if answered {
		at := time.Date(2024, 4, 10, 9, 0, 0, 0, time.UTC)
		s.AnsweredAt = &at
	}
	require.NoError(f.t, f.db.Create(s).Error)
}

// financialReport records the report a signed convention owes, due at the end of
// due's Paris day (UTC, as convention.ExpectedReport stores it), received at received.
func (f *fixture) financialReport(v *models.Convention, due time.Time, received *time.Time) {
	r := &models.FinancialReport{ConventionID: v.ID, ConventionReference: v.Reference, ApplicationID: v.ApplicationID,
		AssociationKey: "rna:" + v.ApplicationID, FiscalYear: 2024, DueAt: due.UTC(), Overdue: false}
	if received != nil {
		at := received.UTC()
		r.ReceivedAt, r.SpentCents, r.SubsidyUsedCents, r.DocumentReference = &at, 10_000_00, 10_000_00, "CR-"+v.ID
	}
	require.NoError(f.t, f.db.Create(r).Error)
}

// control records an on-site control of a (fictitious) convention of year.
func (f *fixture) control(year int, region, department, state string) {
	c := &models.Control{ID: f.id("ctl"), ConventionID: f.id("conv"), Year: year, Region: region, Department: department,
		PlannedOn: fmt.Sprintf("%d-06-15", year), Controller: "Inspection", State: state, FollowUpState: models.FollowUpStateNone}
	if state == models.ControlDone {
		c.Outcome, c.DoneOn = models.OutcomeCompliant, fmt.Sprintf("%d-06-15", year)
	}
	require.NoError(f.t, f.db.Create(c).Error)
}

// synthesis records a region's control synthesis sent at sent.
func (f *fixture) synthesis(year int, region, dueOn string, sent time.Time) {
	at := sent.UTC()
	require.NoError(f.t, f.db.Create(&models.ControlSynthesis{Year: year, Region: region, DueOn: dueOn, Controls: 1, SentAt: &at}).Error)
}

// block records a renewal block of a dossier, lifted at lifted when not nil.
func (f *fixture) block(a *models.Application, rule string, lifted *time.Time) {
	b := &models.RenewalBlock{ApplicationID: a.ID, AssociationKey: a.AssociationKey, Rule: rule, Source: f.id("src"),
		SourceYear: 2023, Reason: "Motif", Lift: "Levée"}
	if lifted != nil {
		at := lifted.UTC()
		b.LiftedAt = &at
	}
	require.NoError(f.t, f.db.Create(b).Error)
}

// provisionalBlock records a PNE block of a dossier resting on a questionnaire not closed yet.
func (f *fixture) provisionalBlock(a *models.Application) {
	review := time.Date(2024, 5, 31, 21, 59, 59, 0, time.UTC)
	require.NoError(f.t, f.db.Create(&models.RenewalBlock{ApplicationID: a.ID, AssociationKey: a.AssociationKey, Rule: models.BlockPNE,
		Source: f.id("src"), SourceYear: 2024, Reason: "Motif", Lift: "Levée", Provisional: true, ReviewAt: &review}).Error)
}

// ctaiRequest records a collectivité's CTAI request of a department, with its opinion ("" while evaluated).
func (f *fixture) ctaiRequest(year int, department, kind, opinion string) {
	r := &models.CTAIRequest{ID: f.id("ctai"), Year: year, Kind: kind, CollectiviteCode: f.id("")[1:], CollectiviteName: "Commune",
		Territory: department, Inhabitants: 50_000, RequestedCents: 100_000_00, PolicyName: "2024", State: models.CTAIFiled,
		FiledAt: time.Date(year, 5, 2, 10, 0, 0, 0, time.UTC)}
	r.WorkflowID = "ctai-" + r.ID
	if opinion != "" {
		at := r.FiledAt.Add(time.Hour)
		r.State, r.Opinion, r.OpinionAt = models.CTAIReviewed, opinion, &at
	}
	require.NoError(f.t, f.db.Create(r).Error)
}
