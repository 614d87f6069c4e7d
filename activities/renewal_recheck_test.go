package activities_test

import (
	"context"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// pneRecheck is an activity environment for the renewal check and the PNE's closure,
// on SQLite and an SMTP catcher.
type pneRecheck struct {
	t       *testing.T
	db      *gorm.DB
	env     *testsuite.TestActivityEnvironment
	catcher *mailcatcher.Catcher
	pne     *store.PNEStructures
}

func newPNERecheck(t *testing.T) *pneRecheck {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	pne := store.NewPNEStructures(db)
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Conventions: store.NewConventions(db), PNE: pne, PNEResults: store.NewPNEResults(db), FinancialReports: store.NewFinancialReports(db),
		Outbox: outbox, Logger: slog.New(slog.DiscardHandler)})
	return &pneRecheck{t: t, db: db, env: env, catcher: catcher, pne: pne}
}

// dossier adds a dossier of association key to the call.
func (p *pneRecheck) dossier(c *models.Campaign, key, email string) activities.ApplicationRef {
	id := uuid.NewString()
	app := &models.Application{ID: id, CampaignID: c.ID, WorkflowID: "aap/" + c.ID + "/" + id, Year: c.Year,
		AssociationKey: key, AssociationName: "Association " + key, AssociationEmail: email,
		Title: "Ateliers " + key, TitleKey: "ateliers " + key, Theme: "langue", State: models.ApplicationDeposited}
	require.NoError(p.t, p.db.Create(app).Error)
	return activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}
}

// listed puts association key on year's PNE list, without an answer.
func (p *pneRecheck) listed(year int, key string) uint64 {
	s := models.PNEStructure{Year: year, AssociationKey: key, AssociationName: key, Email: key + "@pne.example", Region: "84", Token: "tok-" + key + "-" + uuid.NewString()}
	require.NoError(p.t, p.db.Create(&s).Error)
	return s.ID
}

func (p *pneRecheck) answer(year int, id uint64) {
	at := time.Date(year, time.May, 2, 10, 0, 0, 0, time.UTC)
	_, err := p.pne.RecordAnswer(context.Background(), year, id, &at)
	require.NoError(p.t, err)
}

func (p *pneRecheck) close(year int) {
	_, err := p.env.ExecuteActivity((*activities.Activities)(nil).ClosePNE, activities.PNERef{Year: year, WorkflowID: "aap/pne/" + strconv.Itoa(year)})
	require.NoError(p.t, err)
}

func (p *pneRecheck) recheck(year int) activities.PNERecheck {
	v, err := p.env.ExecuteActivity((*activities.Activities)(nil).RecheckProvisionalBlocks, activities.PNERef{Year: year, WorkflowID: "aap/pne/" + strconv.Itoa(year)})
	require.NoError(p.t, err)
	var out activities.PNERecheck
	require.NoError(p.t, v.Get(&out))
	return out
}

func (p *pneRecheck) blocks(ref activities.ApplicationRef) []models.RenewalBlock {
	blocks, err := store.NewFinancialReports(p.db).Blocks(context.Background(), ref.ApplicationID)
	require.NoError(p.t, err)
	return blocks
}

// subjects are the subjects received by each address, sorted.
func (p *pneRecheck) subjects() map[string][]string {
	list, err := p.catcher.List()
	require.NoError(p.t, err)
	out := map[string][]string{}
	for _, m := range list {
		for _, to := range m.To {
			out[to] = append(out[to], m.Subject)
		}
	}
	for _, s := range out {
		sort.Strings(s)
	}
	return out
}

// Before the year's closure, an association on the list without an answer is
// blocked provisionally (2025 rule: one miss), to be reviewed on 31 May; one that
// answered, or is not on the list, is not blocked; a closed year's miss is final.
func TestPNEBlockIsProvisionalBeforeTheClosure(t *testing.T) {
	p := newPNERecheck(t)
	c, app := seedFunded(t, p.db, 2027)
	silent := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID} // siret:1
	answered := p.dossier(c, "siret:2", "b@asso.example")
	unlisted := p.dossier(c, "siret:3", "c@asso.example")
	p.listed(2027, "siret:1")
	p.answer(2027, p.listed(2027, "siret:2"))

	got := renewalCheck(t, p.env, nil, silent)
	require.Empty(t, got.Rules, "not final before the closure")
	require.Equal(t, []string{models.BlockPNE}, got.Provisional)
	b := p.blocks(silent)
	require.Len(t, b, 1)
	require.True(t, b[0].Provisional)
	require.Equal(t, "pne:2027", b[0].Source)
	require.NotNil(t, b[0].ReviewAt)
	require.Equal(t, time.Date(2027, time.May, 31, 23, 59, 59, 999999999, french.Paris), b[0].ReviewAt.In(french.Paris), "the policy's pne_close, end of day")
	require.Equal(t, "blocage provisoire, revu à la clôture du PNE le 31 mai 2027", b[0].ProvisionalNote())
	require.Contains(t, b[0].Reason, "n'a pas encore répondu au questionnaire du Plan national d'évaluation (PNE) 2026 (envoyé en 2027)")

	for _, ref := range []activities.ApplicationRef{answered, unlisted} {
		got := renewalCheck(t, p.env, nil, ref)
		require.Empty(t, got.Rules)
		require.Empty(t, got.Provisional)
		require.Empty(t, p.blocks(ref))
	}
	sent, err := p.catcher.WaitFor(context.Background(), 1)
	require.NoError(t, err)
	require.Contains(t, sent[0].Subject, "bloqué à titre provisoire")

	// After the closure, a new dossier of the silent association is blocked for good.
	p.close(2027)
	later := p.dossier(c, "siret:1", "contact@accueil.example")
	got = renewalCheck(t, p.env, nil, later)
	require.Equal(t, []string{models.BlockPNE}, got.Rules)
	require.Empty(t, got.Provisional)
	b = p.blocks(later)
	require.Len(t, b, 1)
	require.False(t, b[0].Provisional, "a closed year's miss is never provisional")
	require.Nil(t, b[0].ReviewAt)
	require.Empty(t, b[0].ProvisionalNote())
}

// At the closure: the association that never answered has its block confirmed,
// the one that answered in time has it lifted; each porteur and the correspondent
// are told once (not for a dossier not retained); a retried recheck sends nothing
// again, and a block already settled is not rechecked.
func TestPNEClosureConfirmsOrLiftsProvisionalBlocks(t *testing.T) {
	p := newPNERecheck(t)
	c, app := seedFunded(t, p.db, 2027)
	silent := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}
	late := p.dossier(c, "siret:2", "b@asso.example")
	p.listed(2027, "siret:1")
	lateID := p.listed(2027, "siret:2")
	for _, ref := range []activities.ApplicationRef{silent, late} {
		require.Equal(t, []string{models.BlockPNE}, renewalCheck(t, p.env, nil, ref).Provisional)
	}
	_, err := p.catcher.WaitFor(context.Background(), 2)
	require.NoError(t, err)
	require.Equal(t, activities.PNERecheck{Pending: 2}, p.recheck(2027), "before the closure nothing is settled")
	require.Equal(t, 2, p.catcher.Count(), "nothing changed: nothing sent")

	refused := p.dossier(c, "siret:1", "refused@asso.example") // the same association's other dossier, not retained since
	require.Equal(t, []string{models.BlockPNE}, renewalCheck(t, p.env, nil, refused).Provisional)
	_, err = p.catcher.WaitFor(context.Background(), 3)
	require.NoError(t, err)
	require.NoError(t, p.db.Model(&models.Application{}).Where("id = ?", refused.ApplicationID).Update("state", models.ApplicationNotRetained).Error)
	p.answer(2027, lateID) // before the closure
	p.close(2027)
	require.Equal(t, activities.PNERecheck{Confirmed: 2, Lifted: 1}, p.recheck(2027))
	require.False(t, p.blocks(refused)[0].Provisional, "settled")

	confirmed := p.blocks(silent)[0]
	require.False(t, confirmed.Provisional)
	require.NotNil(t, confirmed.RecheckedAt)
	require.Nil(t, confirmed.LiftedAt)
	require.Contains(t, confirmed.Reason, "n'a pas répondu au questionnaire du Plan national d'évaluation (PNE) 2026 (envoyé en 2027) : la règle de 2027")
	lifted := p.blocks(late)[0]
	require.False(t, lifted.Provisional)
	require.NotNil(t, lifted.RecheckedAt)
	require.NotNil(t, lifted.LiftedAt)

	_, err = p.catcher.WaitFor(context.Background(), 7)
	require.NoError(t, err)
	got := p.subjects()
	require.Len(t, got["refused@asso.example"], 1, "not retained: told of the provisional block only, not of its recheck")
	require.Len(t, got["contact@accueil.example"], 2, "the provisional block, then its confirmation")
	require.True(t, strings.HasPrefix(got["contact@accueil.example"][0], "Blocage confirmé à la clôture du PNE 2026"), got)
	require.True(t, strings.HasPrefix(got["b@asso.example"][0], "Blocage levé à la clôture du PNE 2026"), got)
	require.Len(t, got[c.ContactEmail], 2, "the correspondent: one confirmation, one lifting")

	// Retried: the blocks are settled, nothing is rechecked nor sent again.
	require.Equal(t, activities.PNERecheck{}, p.recheck(2027))
	// A retry after the emails left but before the block was settled sends nothing twice.
	require.NoError(t, p.db.Model(&models.RenewalBlock{}).Where("id = ?", confirmed.ID).
		Updates(map[string]any{"provisional": true, "rechecked_at": nil}).Error)
	require.Equal(t, activities.PNERecheck{Confirmed: 1}, p.recheck(2027))
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 7, p.catcher.Count())

	var actions []string
	require.NoError(t, p.db.Model(&models.AuditEntry{}).Where("entity_id IN ? AND action IN ?", []string{silent.ApplicationID, late.ApplicationID}, []string{"renewal_block_confirmed", "renewal_block_lifted"}).
		Order("id").Pluck("action", &actions).Error)
	require.Equal(t, []string{"renewal_block_confirmed", "renewal_block_lifted", "renewal_block_confirmed"}, actions)
}

// Under the 2024 rule (two consecutive misses), a block resting on two open years
// stays provisional, silently, at the first closure, and is confirmed at the second.
func TestProvisionalBlockWaitsForEveryOpenYear(t *testing.T) {
	p := newPNERecheck(t)
	_, app := seedFunded(t, p.db, 2024)
	ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}
	p.listed(2023, "siret:1")
	p.listed(2024, "siret:1")
	require.Equal(t, []string{models.BlockPNE}, renewalCheck(t, p.env, nil, ref).Provisional)
	_, err := p.catcher.WaitFor(context.Background(), 1)
	require.NoError(t, err)

	p.close(2023)
	require.Equal(t, activities.PNERecheck{Pending: 1}, p.recheck(2023))
	require.True(t, p.blocks(ref)[0].Provisional, "2024 is still open")
	require.Equal(t, 1, p.catcher.Count(), "unchanged: nothing sent")

	p.close(2024)
	require.Equal(t, activities.PNERecheck{Confirmed: 1}, p.recheck(2024))
	require.False(t, p.blocks(ref)[0].Provisional)
}
