package monitoring_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/selection"
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
