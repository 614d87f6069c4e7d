package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// dossierPage is one dossier as an agent reads it: what was filed, its
// attachments, the committee's decision, its flags and its history.
type dossierPage struct {
	layout
	App        *models.Application
	Call       *models.Campaign
	State      string
	Theme      string
	Flags      []string
	Blocks     []models.RenewalBlock
	Decision   string
	Convention *models.Convention
	// ConventionState says where the convention stands, in French.
	ConventionState string
	// Reports are the convention's comptes-rendus financiers, a CPO's one per tranche (§8.2, §8.4).
	Reports     []reportRow
	Attachments []attachmentRow
	History     []historyRow
}

// reportRow is one compte-rendu financier as the agent's dossier page says it.
type reportRow struct {
	Label, Due, State string
	Missing           bool
}

// reportRows say each report's subsidy, due date and state, in French.
func reportRows(reports []models.FinancialReport) []reportRow {
	var out []reportRow
	for _, r := range reports {
		row := reportRow{Label: fmt.Sprintf("Exercice %d (%s)", r.FiscalYear, french.Euros(r.AmountCents)), Due: french.Date(r.DueAt), State: "attendu"}
		if r.Tranche > 0 {
			row.Label = fmt.Sprintf("Tranche %d (%s)", r.FiscalYear, french.Euros(r.AmountCents))
		}
		switch {
		case r.ReceivedAt != nil:
			row.State = fmt.Sprintf("reçu le %s : dépenses %s, subvention employée %s", french.Date(*r.ReceivedAt),
				french.Euros(r.SpentCents), french.Euros(r.SubsidyUsedCents))
		case r.Overdue:
			row.State, row.Missing = "non reçu à l'échéance : renouvellement bloqué", true
		}
		out = append(out, row)
	}
	return out
}

type attachmentRow struct {
	Kind, Label, FileName, Size, Href string
}

// historyRow is one dated step of the dossier: a change recorded by the audit trail, or an email.
type historyRow struct {
	At    time.Time
	Label string
}

// attachmentLabels name the attachments' kinds.
var attachmentLabels = map[string]string{
	models.AttachmentStatuts: "Statuts", models.AttachmentBudget: "Budget prévisionnel",
	models.AttachmentAccounts: "Derniers comptes approuvés", models.AttachmentRIB: "Relevé d'identité bancaire",
}

// auditActions name what the audit trail records of a dossier and of its convention.
var auditActions = map[string]string{
	"filed": "Dossier déposé", "receipt_acknowledged": "Réception de l'accusé confirmée par l'association",
	"renewal_blocked": "Renouvellement bloqué", "financial_report_received": "Compte rendu financier reçu",
	"renewal_blocks_lifted": "Blocage du renouvellement levé", "financial_report_missing": "Compte rendu financier manquant à l'échéance",
	"doubt_flagged":           "Doute signalé sur la convention",
	"renewal_block_confirmed": "Blocage provisoire du renouvellement confirmé à la clôture du PNE",
	"renewal_block_lifted":    "Blocage provisoire du renouvellement levé à la clôture du PNE",
}

// auditLabel names one audit entry; a convention's state change names the state reached.
func auditLabel(action string) string {
	if state, ok := strings.CutPrefix(action, "state_"); ok {
		return "Convention " + models.ConventionLabel(state)
	}
	if l, ok := auditActions[action]; ok {
		return l
	}
	return "Modification enregistrée (" + strings.ReplaceAll(action, "_", " ") + ")"
}

// dossierOf finds a dossier by its reference or ID, inside the viewer's territory; elsewhere, as if it did not exist.
func (p *pages) dossierOf(c *gin.Context) (*models.Application, *models.Campaign, bool) {
	ctx := c.Request.Context()
	app, err := store.NewApplications(p.d.DB).Find(ctx, c.Param("id"))
	var camp *models.Campaign
	if err == nil {
		camp, err = store.NewCampaigns(p.d.DB).Get(ctx, app.CampaignID)
	}
	if err == nil && !viewer(c).ReadScope().Covers(camp.Level, camp.Territory) {
		p.d.Logger.Warn("dossier page outside the viewer's scope", "dossier", app.ID, "viewer", viewer(c).String(),
			"request_id", c.GetString("request_id"))
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		p.fail(c, http.StatusNotFound, "Ce dossier n'existe pas.")
		return nil, nil, false
	}
	if err != nil {
		p.d.Logger.Error("dossier page", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "Le dossier n'a pas pu être lu ; l'incident est journalisé.")
		return nil, nil, false
	}
	return app, camp, true
}

// dossier answers GET /dossiers/:id (its reference or ID).
func (p *pages) dossier(c *gin.Context) {
	app, camp, ok := p.dossierOf(c)
	if !ok {
		return
	}
	page, err := p.loadDossierPage(c, app, camp)
	if err != nil {
		p.d.Logger.Error("dossier page", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "Le dossier n'a pas pu être lu ; l'incident est journalisé.")
		return
	}
	p.render(c, http.StatusOK, "dossier.html", page)
}

func (p *pages) loadDossierPage(c *gin.Context, app *models.Application, camp *models.Campaign) (dossierPage, error) {
	ctx := c.Request.Context()
	page := dossierPage{App: app, Call: camp, State: optionLabel(applicationStates, app.State), Theme: models.ThemeLabel(app.Theme)}
	page.layout = p.layoutFor(c, "Dossier "+app.Reference, Crumb{Label: "Appels à projets", Href: PathCalls},
		Crumb{Label: camp.Title, Href: CallPath(camp.ID)}, Crumb{Label: "Dossier " + app.Reference})
	switch app.Decision {
	case selection.Retained:
		page.Decision = "Retenu"
	case selection.NotRetained:
		page.Decision = "Non retenu"
	}
	var err error
	if page.Blocks, err = store.NewFinancialReports(p.d.DB).Blocks(ctx, app.ID); err != nil {
		return page, err
	}
	var blocked blockState
	blocked.final, blocked.provisional = models.BlocksInForce(page.Blocks)
	page.Flags = dossierFlags(app, blocked)
	var conv models.Convention
	if err := p.d.DB.WithContext(ctx).Where("application_id = ?", app.ID).Limit(1).Find(&conv).Error; err != nil {
		return page, err
	} else if conv.ID != "" {
		page.Convention, page.ConventionState = &conv, models.ConventionLabel(conv.State)
		reports, err := store.NewFinancialReports(p.d.DB).OfConvention(ctx, conv.ID)
		if err != nil {
			return page, err
		}
		page.Reports = reportRows(reports)
	}
	atts, err := store.NewApplications(p.d.DB).Attachments(ctx, app.ID)
	if err != nil {
		return page, err
	}
	for _, a := range atts {
		label, ok := attachmentLabels[a.Kind]
		if !ok {
			label = a.Kind
		}
		page.Attachments = append(page.Attachments, attachmentRow{Kind: a.Kind, Label: label,
			FileName: a.FileName, Size: fileSize(a.Size), Href: DossierPath(app.Reference) + "/pieces/" + a.Kind})
	}
	page.History, err = p.dossierHistory(c, app, page.Convention)
	return page, err
}

// dossierHistory is the dossier's audit trail (its convention's too), the committee's
// decision and its emails, oldest first.
func (p *pages) dossierHistory(c *gin.Context, app *models.Application, conv *models.Convention) ([]historyRow, error) {
	ctx := c.Request.Context()
	audit := store.NewAudit(p.d.DB)
	entries, _, err := audit.List(ctx, store.AuditFilter{Entity: store.AuditApplication, EntityID: app.ID, Limit: 200})
	if err != nil {
		return nil, err
	}
	if conv != nil {
		more, _, err := audit.List(ctx, store.AuditFilter{Entity: store.AuditConvention, EntityID: conv.ID, Limit: 200})
		if err != nil {
			return nil, err
		}
		entries = append(entries, more...)
	}
	var out []historyRow
	for _, e := range entries {
		out = append(out, historyRow{At: e.At, Label: auditLabel(e.Action) + " (" + e.Actor + ")."})
	}
	if app.DecidedAt != nil {
		label := "Décision du comité : non retenu."
		if app.Decision == selection.Retained {
			label = "Décision du comité : retenu, " + french.Euros(app.GrantedCents) + " accordés."
		}
		out = append(out, historyRow{At: *app.DecidedAt, Label: label})
	}
	emails, _, err := callEmails(ctx, p.d.DB, store.EmailFilter{KeyPrefix: app.WorkflowID + "/"})
	if err != nil {
		return nil, err
	}
	for _, e := range emails {
		out = append(out, historyRow{At: e.At, Label: "Courriel « " + e.Subject + " » à " + e.Recipient + " : " + strings.ToLower(e.State) + "."})
	}
	slices.SortStableFunc(out, func(a, b historyRow) int { return a.At.Compare(b.At) })
	return out, nil
}

// fileSize says a file's size in French: "12 Ko", "1,5 Mo".
func fileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " octets"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " Ko"
	}
	return strings.Replace(strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64), ".", ",", 1) + " Mo"
}

// attachment answers GET /dossiers/:id/pieces/:kind: the file as it was stored.
func (p *pages) attachment(c *gin.Context) {
	app, _, ok := p.dossierOf(c)
	if !ok {
		return
	}
	att, err := store.NewApplications(p.d.DB).Attachment(c.Request.Context(), app.ID, c.Param("kind"))
	if errors.Is(err, store.ErrNotFound) {
		p.fail(c, http.StatusNotFound, "Cette pièce n'existe pas.")
		return
	} else if err != nil {
		p.d.Logger.Error("dossier attachment", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La pièce n'a pas pu être lue ; l'incident est journalisé.")
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.FileName}))
	c.Header("Digest", "sha-256="+att.SHA256)
	c.Data(http.StatusOK, att.ContentType, att.Content)
}
