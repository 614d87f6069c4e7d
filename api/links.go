package api

import (
	"context"
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
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// linkHandlers serve the pages an association reaches from the links of its
// emails (GET /liens/{token}) and the action each allows (POST /liens/{token}).
// A link reaches one item: its token is signed (auth.LinkSigner) and says which.
type linkHandlers struct {
	links        *auth.LinkSigner
	now          func() time.Time
	applications *store.Applications
	campaigns    *store.Campaigns
	conventions  *ConventionService
	pne          *PNEService
	reports      *FinancialReportService
}

// linkPage is what the page shows, in the shared layout (web.Chrome: the State's
// header and footer, so an association can tell the page from an imitation).
type linkPage struct {
	web.Chrome
	Lines   []string
	Message string
	Error   string
	// Form: the action's button (and the signatory field for a convention).
	Form      bool
	Button    string
	AskSigner bool
	Signer    string
	// SignerError says why the signatory was refused.
	SignerError string
	// Report: the compte-rendu financier's fields, as typed (sent back with the errors).
	Report      bool
	Spent       string
	SubsidyUsed string
	DocumentRef string
	FieldErrors []linkFieldError
}

// linkFieldError is one refused field: its message is tied to its input (aria-describedby).
type linkFieldError struct{ Field, Text string }

// errorOf is the refused field's message, "" when it was accepted.
func (p linkPage) errorOf(field string) string {
	for _, e := range p.FieldErrors {
		if e.Field == field {
			return e.Text
		}
	}
	return ""
}

// signerError is why the signatory was refused: the service's rule or the input's.
func (p linkPage) signerError() string {
	if p.SignerError != "" {
		return p.SignerError
	}
	return p.errorOf("signed_by")
}

// OtherErrors are the refused inputs the form does not show (the link's token itself).
func (p linkPage) OtherErrors() []linkFieldError {
	shown := map[string]bool{}
	for _, f := range p.Fields() {
		shown[f.ID] = true
	}
	var out []linkFieldError
	for _, e := range p.FieldErrors {
		if !shown[e.Field] || !p.Form {
			out = append(out, e)
		}
	}
	return out
}

// Fields are the form's text fields, each a DSFR input group with its error state.
func (p linkPage) Fields() []web.Field {
	var out []web.Field
	if p.Report {
		out = append(out,
			web.Field{ID: "spent_eur", Label: "Dépenses réalisées pour l'action, en euros", Hint: "Par exemple 12 500,50",
				Value: p.Spent, InputMode: "decimal", MaxLength: 20, Required: true, Error: p.errorOf("spent_eur")},
			web.Field{ID: "subsidy_used_eur", Label: "Part de la subvention employée, en euros", Hint: "Au plus les dépenses réalisées et la subvention accordée",
				Value: p.SubsidyUsed, InputMode: "decimal", MaxLength: 20, Required: true, Error: p.errorOf("subsidy_used_eur")},
			web.Field{ID: "document_reference", Label: "Référence du compte-rendu financier (Cerfa n° 15059*02)",
				Hint: "Nom du fichier, numéro d'envoi…", Value: p.DocumentRef, MinLength: 2, MaxLength: 200, Required: true,
				Error: p.errorOf("document_reference")})
	}
	if p.AskSigner {
		out = append(out, web.Field{ID: "signed_by", Label: "Nom et qualité du signataire", Hint: "Par exemple : Marie Curie, présidente",
			Value: p.Signer, MinLength: 2, MaxLength: 300, Required: true, Autocomplete: "name", Error: p.signerError()})
	}
	return out
}

var linkTemplate = web.NewPage("link", nil, `{{define "content"}}<div class="aap-narrow">
<h1>{{.Title}}</h1>
{{range .Lines}}<p class="aap-break">{{.}}</p>
{{end}}{{template "alerts" .}}{{with .OtherErrors}}<ul class="fr-error-text" role="alert">{{range .}}<li id="erreur-{{.Field}}">{{.Text}}</li>{{end}}</ul>
{{end}}{{if .Form}}<form method="post">
{{range .Fields}}{{template "field" .}}
{{end}}<button type="submit" class="fr-btn">{{.Button}}</button>
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
	page, err := h.page(c.Request.Context(), l)
	h.respond(c, page, err)
}

func (h linkHandlers) act(c *gin.Context) {
	l, ok := h.verify(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var err error
	var message string
	switch l.Action {
	case auth.LinkAcknowledge:
		message = "Merci : la bonne réception de l'accusé est enregistrée."
		if _, err = h.applications.Get(ctx, l.Item); err == nil {
			err = h.applications.ConfirmReceipt(ctx, l.Item, h.now())
		}
	case auth.LinkSign:
		signer := strings.TrimSpace(c.PostForm("signed_by"))
		message = "Merci : la signature de la convention est enregistrée ; une confirmation vous est envoyée par courriel."
		_, err = h.conventions.Sign(ctx, l.Item, SignatureRequest{SignedBy: signer})
		var p *Problem
		if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity {
			page, perr := h.page(ctx, l)
			page.Error, page.Signer = "La convention n'est pas signée : corrigez le champ indiqué.", signer
			page.SignerError = "Indiquez le nom et la qualité du signataire (2 à 300 caractères)."
			h.respond(c, page, perr)
			return
		}
	case auth.LinkPNE:
		message = "Merci : votre réponse au questionnaire PNE est enregistrée."
		year, id, perr := pneItem(l.Item)
		if err = perr; err == nil {
			answered := true
			_, err = h.pne.RecordAnswer(ctx, year, id, &PNEAnswerRequest{Answered: &answered})
		}
	case auth.LinkFinancialReport:
		form := linkReportForm{Spent: c.PostForm("spent_eur"), SubsidyUsed: c.PostForm("subsidy_used_eur"),
			DocumentRef: c.PostForm("document_reference")}
		message = "Merci : votre compte-rendu financier est enregistré ; il lève les blocages de renouvellement qui en dépendaient."
		_, _, err = h.reports.Record(ctx, l.Item, form.request())
		var p *Problem
		if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity {
			page, perr := h.page(ctx, l)
			page.Spent, page.SubsidyUsed, page.DocumentRef = form.Spent, form.SubsidyUsed, form.DocumentRef
			page.Error, page.FieldErrors = "Le compte-rendu financier n'est pas enregistré : corrigez les champs indiqués.", reportFieldErrors(p.Fields)
			h.respondStatus(c, http.StatusUnprocessableEntity, page, perr)
			return
		}
	default:
		err = store.ErrNotFound
	}
	var p *Problem
	if errors.As(err, &p) && p.Status == http.StatusConflict {
		page, perr := h.page(ctx, l)
		page.Form, page.Error = false, p.Message
		h.respond(c, page, perr)
		return
	}
	if err != nil {
		h.respond(c, linkPage{}, err)
		return
	}
	page, err := h.page(ctx, l)
	page.Form, page.Message = false, message
	h.respond(c, page, err)
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

// page describes the one item the link reaches.
func (h linkHandlers) page(ctx context.Context, l auth.Link) (linkPage, error) {
	switch l.Action {
	case auth.LinkAcknowledge:
		app, err := h.applications.Get(ctx, l.Item)
		if err != nil {
			return linkPage{}, err
		}
		c, err := h.campaigns.Get(ctx, app.CampaignID)
		if err != nil {
			return linkPage{}, err
		}
		return linkPage{Chrome: web.Chrome{Title: "Accusé de réception de votre dossier"}, Lines: []string{
			fmt.Sprintf("Dossier « %s » déposé par %s.", app.Title, app.AssociationName),
			fmt.Sprintf("Appel à projets « %s » (%s).", c.Title, territoryLabel(c)),
			"Référence du dossier : " + app.ID,
		}, Form: true, Button: "Je confirme avoir reçu l'accusé de réception"}, nil
	case auth.LinkSign:
		view, err := h.conventions.Get(ctx, l.Item)
		if err != nil {
			return linkPage{}, err
		}
		page := linkPage{Chrome: web.Chrome{Title: "Signature de la convention " + view.Reference}, Lines: []string{
			fmt.Sprintf("Convention n° %s : subvention de %s.", view.Reference, french.Euros(view.GrantedCents)),
			"État : convention " + models.ConventionLabel(view.State) + ".",
		}}
		if view.State == models.ConventionAwaitingSignature {
			page.Lines = append(page.Lines, "En signant, vous acceptez la convention qui vous a été adressée en pièce jointe, et ses engagements.")
			page.Form, page.AskSigner, page.Button = true, true, "Signer la convention"
		}
		return page, nil
	case auth.LinkPNE:
		year, id, err := pneItem(l.Item)
		if err != nil {
			return linkPage{}, err
		}
		row, err := h.pne.Structures.Get(ctx, year, id)
		if err != nil {
			return linkPage{}, err
		}
		page := linkPage{Chrome: web.Chrome{Title: fmt.Sprintf("Questionnaire PNE %d", year)},
			Lines: []string{fmt.Sprintf("Structure : %s.", row.AssociationName)}}
		if row.AnsweredAt != nil {
			page.Lines = append(page.Lines, "Votre réponse est enregistrée.")
		} else {
			page.Form, page.Button = true, "Je déclare avoir répondu au questionnaire"
		}
		return page, nil
	case auth.LinkFinancialReport:
		view, err := h.conventions.Get(ctx, l.Item)
		if err != nil {
			return linkPage{}, err
		}
		page := linkPage{Chrome: web.Chrome{Title: "Compte-rendu financier de la convention " + view.Reference}, Lines: []string{
			fmt.Sprintf("Convention n° %s : subvention de %s.", view.Reference, french.Euros(view.GrantedCents)),
		}}
		switch r := view.FinancialReport; {
		case r != nil && r.ReceivedAt != nil:
			page.Lines = append(page.Lines, fmt.Sprintf("Compte-rendu financier reçu le %s : dépenses réalisées %s, dont %s de subvention employée (référence %s).",
				r.ReceivedAt.In(french.Paris).Format("02/01/2006"), french.Euros(r.SpentCents), french.Euros(r.SubsidyUsedCents), r.DocumentReference))
		case view.State != models.ConventionSigned:
			page.Lines = append(page.Lines, "État : convention "+models.ConventionLabel(view.State)+". Le compte-rendu financier suit une convention signée.")
		default:
			page.Lines = append(page.Lines, "Compte-rendu financier (Cerfa n° 15059*02) à envoyer au plus tard le "+parisDay(view.FinancialReportDue)+".",
				"Indiquez ci-dessous ce que l'action a coûté et la part de la subvention employée ; conservez le Cerfa signé, il peut vous être demandé lors d'un contrôle.")
			page.Form, page.Report, page.Button = true, true, "Envoyer le compte-rendu financier"
		}
		return page, nil
	}
	return linkPage{}, store.ErrNotFound
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

// parisDay shows a "2006-01-02" date as "02/01/2006".
func parisDay(day string) string {
	if t, err := time.Parse("2006-01-02", day); err == nil {
		return t.Format("02/01/2006")
	}
	return day
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
	page, err := h.page(c.Request.Context(), l)
	page.Error, page.FieldErrors = "Votre saisie n'est pas enregistrée : corrigez les champs indiqués.", errs
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
