package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The dossier's documents, each at /liens/{token}/documents/{name}: only the
// link's own dossier's, under the link's rules (404 tampered, 410 expired).
const (
	docReceipt    = "accuse-de-reception"
	docDecision   = "decision"
	docConvention = "convention.pdf"
	docReport     = "compte-rendu-financier"
)

// dossierLetter is an accusé de réception or a decision, as a page to keep or print.
type dossierLetter struct {
	web.Chrome
	Lines []string
	Back  string
}

var letterTemplate = web.NewPage("letter", nil, `{{define "content"}}<div class="aap-narrow">
<h1>{{.Title}}</h1>
{{range .Lines}}<p class="aap-break">{{.}}</p>
{{end}}<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="{{.Back}}">Retour à Mon dossier</a></p>
</div>{{end}}`)

// document answers GET /liens/{token}/documents/{name}.
func (h linkHandlers) document(c *gin.Context) {
	l, ok := h.verify(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	f, err := h.linkedDossier(ctx, l)
	if err != nil {
		h.respond(c, linkPage{}, err)
		return
	}
	back := "/liens/" + c.Param("token")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	switch name := c.Param("name"); {
	case name == docReceipt:
		web.Render(c, http.StatusOK, letterTemplate, f.receiptLetter(back))
	case name == docDecision && f.decided():
		web.Render(c, http.StatusOK, letterTemplate, f.decisionLetter(back))
	case name == docConvention && f.Convention != nil && f.Convention.State != models.ConventionCancelled:
		conv, pdf, err := h.conventions.Document(ctx, f.Convention.ID)
		if err != nil {
			h.respond(c, linkPage{}, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="convention-`+conv.Reference+`.pdf"`)
		c.DataFromReader(http.StatusOK, int64(len(pdf)), "application/pdf", bytes.NewReader(pdf), nil)
	case strings.HasPrefix(name, docReport) && f.Convention != nil:
		year, ok := f.reportFileYear(name)
		if !ok {
			h.respond(c, linkPage{}, store.ErrNotFound)
			return
		}
		doc, err := h.reportFiles.Content(ctx, f.Convention.ID, year)
		if err != nil {
			h.respond(c, linkPage{}, err)
			return
		}
		c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.FileName))
		c.Header("X-Content-Type-Options", "nosniff")
		c.DataFromReader(http.StatusOK, doc.Size, doc.ContentType, bytes.NewReader(doc.Data), nil)
	default:
		h.respond(c, linkPage{}, store.ErrNotFound)
	}
}

func (f dossierFacts) letterChrome(title, back string) web.Chrome {
	return web.Chrome{Title: title, Breadcrumb: []web.Crumb{{Label: "Mon dossier " + f.App.Reference, Href: back}, {Label: title}}}
}

// receiptLetter is the accusé de réception, as the email gave it.
func (f dossierFacts) receiptLetter(back string) dossierLetter {
	app, c := f.App, f.Campaign
	return dossierLetter{Chrome: f.letterChrome("Accusé de réception du dossier "+app.Reference, back), Back: back, Lines: []string{
		fmt.Sprintf("Nous accusons réception du dossier déposé le %s par %s en réponse à l'appel à projets « %s » (%s).",
			french.DateTime(app.CreatedAt), app.AssociationName, c.Title, territoryLabel(c)),
		"Projet : " + app.Title,
		"Thématique : " + models.ThemeLabel(app.Theme),
		"Subvention demandée : " + french.Euros(app.RequestedCents),
		"Budget total du projet : " + french.Euros(app.TotalBudgetCents),
		"Référence du dossier : " + app.Reference,
		"L'appel à projets est ouvert jusqu'au " + french.DateTime(c.CloseAt) + " (heure de Paris).",
	}}
}

// decisionLetter is the committee's decision.
func (f dossierFacts) decisionLetter(back string) dossierLetter {
	app, c := f.App, f.Campaign
	lines := []string{fmt.Sprintf("Appel à projets « %s » (%s), dossier %s déposé par %s : « %s ».",
		c.Title, territoryLabel(c), app.Reference, app.AssociationName, app.Title)}
	if app.State == models.ApplicationRetained {
		lines = append(lines, fmt.Sprintf("Le comité de sélection a retenu votre projet le %s : subvention accordée de %s (demandée : %s).",
			french.Date(*app.DecidedAt), french.Euros(app.GrantedCents), french.Euros(app.RequestedCents)))
	} else {
		lines = append(lines, fmt.Sprintf("Le comité de sélection n'a pas retenu votre projet le %s.", french.Date(*app.DecidedAt)),
			"Motif : "+app.DecisionReason)
	}
	return dossierLetter{Chrome: f.letterChrome("Décision sur le dossier "+app.Reference, back), Back: back, Lines: lines}
}

// reportFileName is the document name of a report's file: « compte-rendu-financier »
// for an annual convention's, « compte-rendu-financier-2028 » for a CPO tranche's.
func reportFileName(conv *ConventionView, year int) string {
	if len(conv.Tranches) == 0 {
		return docReport
	}
	return fmt.Sprintf("%s-%d", docReport, year)
}

// reportFileYear is the year of the kept file a document name reaches.
func (f dossierFacts) reportFileYear(name string) (int, bool) {
	for _, d := range f.ReportFiles {
		if reportFileName(f.Convention, d.FiscalYear) == name {
			return d.FiscalYear, true
		}
	}
	return 0, false
}
