package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/internal/web"
)

// linkHandlers serve the pages an association reaches from the links of its
// emails (GET /liens/{token}) and the action each allows (POST /liens/{token}).
// A link reaches one item: its token is signed (auth.LinkSigner) and says which.
// Every link of a dossier's emails opens « Mon dossier » (dossier_page.go); a
// PNE link, the structure's own page.
type linkHandlers struct {
	links        *auth.LinkSigner
	now          func() time.Time
	applications *store.Applications
	campaigns    *store.Campaigns
	conventions  *ConventionService
	pne          *PNEService
	reports      *FinancialReportService
	// campaignRules gives a call's policy (the convention's lapse delay).
	campaignRules *CampaignService
	// reportFiles keeps the comptes-rendus financiers' files sent online.
	reportFiles *store.ReportDocuments
}

// linkPage is the PNE link's page and the links' error pages, in the shared layout
// (web.Chrome: the State's header and footer, so an association can tell the page
// from an imitation).
type linkPage struct {
	web.Chrome
	Lines   []string
	Message string
	Error   string
	// Form: the action's button; CSRF its token (web.CSRFToken).
	Form        bool
	Button      string
	CSRF        string
	FieldErrors []linkFieldError
}

// linkFieldError is one refused field: its message is tied to its input (aria-describedby).
type linkFieldError struct{ Field, Text string }

var linkTemplate = web.NewPage("link", nil, `{{define "content"}}<div class="aap-narrow">
<h1>{{.Title}}</h1>
{{range .Lines}}<p class="aap-break">{{.}}</p>
{{end}}{{template "alerts" .}}{{with .FieldErrors}}<ul class="fr-error-text" role="alert">{{range .}}<li id="erreur-{{.Field}}">{{.Text}}</li>{{end}}</ul>
{{end}}{{if .Form}}<form method="post">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" class="fr-btn">{{.Button}}</button>
</form>
{{end}}<p class="fr-text--sm fr-mt-4w">Ce lien vous est personnel : ne le transmettez pas. Une question ? Répondez au courriel qui vous l'a apporté.</p>
</div>{{end}}`)

func renderLink(c *gin.Context, status int, p linkPage) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer") // the token stays out of other sites' logs
	web.Render(c, status, linkTemplate, p)
}

// verify checks the link; a tampered or expired one gets its French page and nothing else.
func (h linkHandlers) verify(c *gin.Context) (auth.Link, bool) {
	l, err := h.links.Verify(c.Param("token"), h.now())
	switch {
	case errors.Is(err, auth.ErrLinkExpired):
		renderLink(c, http.StatusGone, linkPage{Chrome: web.Chrome{Title: "Lien expiré"},
			Error: "Ce lien a expiré. Répondez au courriel qui le contenait pour que le correspondant intégration vous aide."})
		return l, false
	case err != nil:
		renderLink(c, http.StatusNotFound, linkPage{Chrome: web.Chrome{Title: "Lien invalide"},
			Error: "Ce lien n'est pas valide : vérifiez qu'il a été recopié en entier depuis le courriel."})
		return l, false
	}
	// The association's changes are recorded in the audit trail under this actor.
	ctx := store.WithActor(c.Request.Context(), store.Actor{Name: "association (lien " + l.Action + ")",
		RequestID: c.GetString(requestIDKey)})
	c.Request = c.Request.WithContext(ctx)
	return l, true
}

func (h linkHandlers) show(c *gin.Context) {
	l, ok := h.verify(c)
	if !ok {
		return
	}
	if l.Action != auth.LinkPNE {
		h.showDossier(c, l, dossierOutcome{})
		return
	}
	page, err := h.pnePage(c, l)
	h.respond(c, page, err)
}

// act does what the link's form asks, once its CSRF token is checked (nothing is
// done without it: the page is shown again, 403).
func (h linkHandlers) act(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxLinkForm)
	l, ok := h.verify(c)
	if !ok {
		return
	}
	if !web.CheckCSRF(h.links, "/liens/"+c.Param("token"), c.PostForm(web.CSRFField), h.now()) {
		h.refuseForm(c, l)
		return
	}
	if l.Action != auth.LinkPNE {
		h.actDossier(c, l)
		return
	}
	ctx := c.Request.Context()
	year, id, err := pneItem(l.Item)
	if err == nil {
		_, err = h.pne.Declare(ctx, year, id)
	}
	if err != nil {
		h.respond(c, linkPage{}, err)
		return
	}
	page, err := h.pnePage(c, l)
	page.Form, page.Message = false, pneDeclaredMessage
	h.respond(c, page, err)
}

// refuseForm answers a post without a valid CSRF token (a form shown too long
// ago, or sent from elsewhere): the page again, 403, nothing done.
func (h linkHandlers) refuseForm(c *gin.Context, l auth.Link) {
	const msg = "Votre envoi n'est pas enregistré : le formulaire a expiré. Vérifiez la page ci-dessous et envoyez-le de nouveau."
	if l.Action != auth.LinkPNE {
		h.showDossier(c, l, dossierOutcome{Error: msg, Status: http.StatusForbidden})
		return
	}
	page, err := h.pnePage(c, l)
	page.Error = msg
	h.respondStatus(c, http.StatusForbidden, page, err)
}

// respond renders the page, or the French page of what went wrong.
func (h linkHandlers) respond(c *gin.Context, page linkPage, err error) {
	h.respondStatus(c, http.StatusOK, page, err)
}

// respondStatus is respond with the status of a page shown (422 for a form to correct).
func (h linkHandlers) respondStatus(c *gin.Context, status int, page linkPage, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errNotFound):
		renderLink(c, http.StatusNotFound, linkPage{Chrome: web.Chrome{Title: "Dossier introuvable"},
			Error: "L'élément auquel ce lien renvoie n'existe plus."})
	case err != nil:
		_ = c.Error(err)
		renderLink(c, http.StatusInternalServerError, linkPage{Chrome: web.Chrome{Title: "Erreur"},
			Error: "Une erreur est survenue ; elle est journalisée. Réessayez dans quelques minutes."})
	default:
		renderLink(c, status, page)
	}
}

// pnePage is the PNE link's page: the structure and its declaration.
func (h linkHandlers) pnePage(c *gin.Context, l auth.Link) (linkPage, error) {
	year, id, err := pneItem(l.Item)
	if err != nil {
		return linkPage{}, err
	}
	row, err := h.pne.Structures.Get(c.Request.Context(), year, id)
	if err != nil {
		return linkPage{}, err
	}
	page := linkPage{Chrome: web.Chrome{Title: "Questionnaire " + selection.PNEName(year)},
		Lines: []string{fmt.Sprintf("Structure : %s.", row.AssociationName)}}
	if row.AnsweredAt != nil {
		page.Lines = append(page.Lines, "Votre réponse est enregistrée.")
		return page, nil
	}
	if row.DeclaredAt != nil {
		page.Lines = append(page.Lines, fmt.Sprintf("Vous avez déclaré avoir répondu le %s : votre réponse sera confirmée par l'export du questionnaire ou par votre correspondant.", french.DateTime(*row.DeclaredAt)))
		return page, nil
	}
	page.Form, page.Button = true, "Je déclare avoir répondu au questionnaire"
	page.CSRF, err = web.CSRFToken(h.links, "/liens/"+c.Param("token"), h.now())
	return page, err
}

// linkReportForm is the compte-rendu financier as the link's form sends it.
type linkReportForm struct{ Spent, SubsidyUsed, DocumentRef string }

// request turns the form into the API's request: amounts typed the French way
// ("12 500,50") become the API's ("12500.50"); the service validates the rest.
func (f linkReportForm) request() *FinancialReportRequest {
	amount := func(s string) json.Number {
		s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", ",", ".").Replace(s)
		return json.Number(s)
	}
	return &FinancialReportRequest{SpentEUR: amount(f.Spent), SubsidyUsedEUR: amount(f.SubsidyUsed), DocumentReference: f.DocumentRef}
}

// reportFieldLabels name the form's fields in French.
var reportFieldLabels = map[string]string{
	"spent_eur":          "Dépenses réalisées",
	"subsidy_used_eur":   "Part de la subvention employée",
	"document_reference": "Référence du compte-rendu financier",
}

// reportFieldErrors are the validation's errors as the page shows them.
func reportFieldErrors(fields []FieldError) []linkFieldError {
	out := make([]linkFieldError, 0, len(fields))
	for _, f := range fields {
		label, ok := reportFieldLabels[f.Field]
		if !ok {
			label = f.Field
		}
		out = append(out, linkFieldError{Field: f.Field, Text: label + " : " + f.Message + "."})
	}
	return out
}

// pneItem reads a PNE link's item, "year/structure ID".
func pneItem(item string) (int, uint64, error) {
	y, i, ok := strings.Cut(item, "/")
	year, err1 := strconv.Atoi(y)
	id, err2 := strconv.ParseUint(i, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, store.ErrNotFound
	}
	return year, id, nil
}

// refuseInput answers a link whose token or form holds a refused text
// (textinput.Middleware): the page again, status 422, each error tied to its
// field, and nothing recorded.
func (h linkHandlers) refuseInput(c *gin.Context, refusals []textinput.Refusal) {
	errs := make([]linkFieldError, len(refusals))
	for i, r := range refusals {
		label, ok := linkFieldLabels[r.Field]
		if !ok {
			label = r.Field
		}
		errs[i] = linkFieldError{Field: r.Field, Text: label + " : " + r.Message + "."}
	}
	l, err := h.links.Verify(c.Param("token"), h.now())
	if err != nil {
		renderLink(c, http.StatusUnprocessableEntity, linkPage{Chrome: web.Chrome{Title: "Lien invalide"},
			Error: "Ce lien n'est pas valide : vérifiez qu'il a été recopié en entier depuis le courriel.", FieldErrors: errs})
		return
	}
	const msg = "Votre saisie n'est pas enregistrée : corrigez les champs indiqués."
	if l.Action != auth.LinkPNE {
		typed := dossierForm{Signer: c.PostForm("signed_by"), FieldErrors: errs,
			Report: linkReportForm{Spent: c.PostForm("spent_eur"), SubsidyUsed: c.PostForm("subsidy_used_eur")}}
		h.showDossier(c, l, dossierOutcome{Error: msg, Typed: typed, Status: http.StatusUnprocessableEntity})
		return
	}
	page, err := h.pnePage(c, l)
	page.Error, page.FieldErrors = msg, errs
	h.respondStatus(c, http.StatusUnprocessableEntity, page, err)
}

// linkFieldLabels name the links' form fields in French.
var linkFieldLabels = map[string]string{
	"token":              "Lien",
	"signed_by":          "Nom et qualité du signataire",
	"spent_eur":          reportFieldLabels["spent_eur"],
	"subsidy_used_eur":   reportFieldLabels["subsidy_used_eur"],
	"document_reference": reportFieldLabels["document_reference"],
}
