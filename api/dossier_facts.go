package api

import (
	"context"
	"errors"
	"time"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// The one thing « Mon dossier » asks of the association now, as the form's
// hidden "action" field names it.
const (
	actionNone    = ""
	actionConfirm = "confirmer-adresse"      // confirm the address: the accusé de réception arrived
	actionSign    = "signer-convention"      // accept (sign) the convention
	actionPNE     = "declarer-pne"           // declare the PNE questionnaire answered (§8.4)
	actionReport  = "compte-rendu-financier" // send the compte-rendu financier (Cerfa n° 15059*02, §8.4)
)

// dossierFacts is what « Mon dossier » shows of one dossier, read at once.
type dossierFacts struct {
	App      *models.Application
	Campaign *models.Campaign
	// Convention is the retained dossier's convention, nil before it is drawn up.
	Convention *ConventionView
	// LapseAt is when an unsigned convention lapses (its policy's lapse_after after it was sent).
	LapseAt time.Time
	// PNE is the association's row in the PNE following the dossier's year, nil when none.
	PNE *models.PNEStructure
	// Blocks are the dossier's renewal blocks (§8.4), lifted ones included.
	Blocks []models.RenewalBlock
	// ReportFiles are the files of the comptes-rendus financiers sent through « Mon dossier »
	// (a CPO: one per tranche), oldest year first.
	ReportFiles []models.ReportDocument
	Now         time.Time
}

// due is the one action asked now: the convention to sign first (it lapses),
// then the PNE while open, the compte-rendu financier, and the address of a
// dossier still awaiting its decision.
func (f dossierFacts) due() string {
	conv := f.Convention
	switch {
	case conv != nil && conv.State == models.ConventionAwaitingSignature:
		return actionSign
	case f.pneOpen():
		return actionPNE
	case f.reportDue() != nil:
		return actionReport
	case f.App.ReceiptConfirmedAt == nil && (f.App.State == models.ApplicationDeposited || f.App.State == models.ApplicationUnderReview):
		return actionConfirm
	}
	return actionNone
}

// reportDue is the compte-rendu financier to send now: a signed convention's oldest
// not received (a CPO's tranches one after the other, §8.2, §8.4), nil when none.
func (f dossierFacts) reportDue() *FinancialReportView {
	conv := f.Convention
	if conv == nil || conv.State != models.ConventionSigned {
		return nil
	}
	for i := range conv.FinancialReports {
		if conv.FinancialReports[i].ReceivedAt == nil {
			return &conv.FinancialReports[i]
		}
	}
	return nil
}

// pneOpen: the association is on the PNE list, has neither answered nor declared it, and the
// questionnaire is still open (its convention's PNE closing date, §8.4).
func (f dossierFacts) pneOpen() bool {
	if f.PNE == nil || f.PNE.AnsweredAt != nil || f.PNE.DeclaredAt != nil || f.Convention == nil || f.Convention.State != models.ConventionSigned {
		return false
	}
	return f.Now.Before(f.Convention.PNECloseDate)
}

// dossierFacts reads the dossier app and what belongs to it.
func (h linkHandlers) dossierFacts(ctx context.Context, app *models.Application) (dossierFacts, error) {
	f := dossierFacts{App: app, Now: h.now()}
	c, err := h.campaigns.Get(ctx, app.CampaignID)
	if err != nil {
		return f, err
	}
	f.Campaign = c
	if f.Blocks, err = h.reports.Reports.Blocks(ctx, app.ID); err != nil {
		return f, err
	}
	conv, err := h.conventions.Conventions.ByApplication(ctx, app.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return f, nil
	case err != nil:
		return f, err
	}
	view, err := h.conventions.Get(ctx, conv.ID)
	if err != nil {
		return f, err
	}
	f.Convention = &view
	if pol, err := h.campaignRules.policyOf(c); err == nil {
		f.LapseAt = conv.CreatedAt.Add(time.Duration(pol.Convention.LapseAfter))
	}
	if f.ReportFiles, err = h.reportFiles.Of(ctx, conv.ID); err != nil {
		return f, err
	}
	// §8.4: the PNE of year N+1 asks the structures funded in year N.
	row, err := h.pne.Structures.OfAssociation(ctx, app.Year+1, app.AssociationKey)
	switch {
	case err == nil:
		f.PNE = row
	case !errors.Is(err, store.ErrNotFound):
		return f, err
	}
	return f, nil
}

// linkedDossier reads the dossier a link reaches with the facts its pages show.
func (h linkHandlers) linkedDossier(ctx context.Context, l auth.Link) (dossierFacts, error) {
	app, err := h.dossierOf(ctx, l.Action, l.Item)
	if err != nil {
		return dossierFacts{}, err
	}
	return h.dossierFacts(ctx, app)
}

// dossierOf is the dossier a link reaches: its item, or the dossier of its convention.
func (h linkHandlers) dossierOf(ctx context.Context, action, item string) (*models.Application, error) {
	switch action {
	case auth.LinkDossier, auth.LinkAcknowledge:
		return findByID(ctx, item, h.applications.Get)
	case auth.LinkSign, auth.LinkFinancialReport:
		conv, err := findByID(ctx, item, h.conventions.Conventions.Get)
		if err != nil {
			return nil, err
		}
		return h.applications.Get(ctx, conv.ApplicationID)
	}
	return nil, store.ErrNotFound
}

// linkAllows says whether a link may do action: a « Mon dossier » link whatever
// is due on its dossier; the narrower links of earlier emails their own action only.
func linkAllows(linkAction, action string) bool {
	switch linkAction {
	case auth.LinkDossier:
		return action != actionNone
	case auth.LinkAcknowledge:
		return action == actionConfirm
	case auth.LinkSign:
		return action == actionSign
	case auth.LinkFinancialReport:
		return action == actionReport
	}
	return false
}

// impliedAction is the action a narrower link's form does without naming it.
func impliedAction(linkAction string) string {
	switch linkAction {
	case auth.LinkAcknowledge:
		return actionConfirm
	case auth.LinkSign:
		return actionSign
	case auth.LinkFinancialReport:
		return actionReport
	}
	return actionNone
}
