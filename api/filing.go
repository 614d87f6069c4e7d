package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

var (
	filingTemplate = publicPage("filing.html")
	filedTemplate  = publicPage("filed.html")
)

// filingHandlers serve the online filing form (GET /appels/{id}/deposer) and file
// its dossier (POST) through the API's own service and validation (ApplicationService.File).
type filingHandlers struct {
	calls publicCalls
	svc   *ApplicationService
	guard filingGuard
}

// form answers GET /appels/{id}/deposer: the empty form while the call is open.
func (h filingHandlers) form(c *gin.Context) {
	camp, ok := h.calls.lookup(c)
	if !ok {
		return
	}
	card := h.calls.card(camp, h.calls.now())
	if !card.Status.Open {
		renderPublicError(c, http.StatusConflict, "Dépôt impossible", card.Status.Detail)
		return
	}
	h.renderForm(c, http.StatusOK, card, filingForm{}, nil)
}

func (h filingHandlers) renderForm(c *gin.Context, status int, card callCard, values filingForm, errs []FieldError) {
	token, err := h.guard.issue(c, card.ID)
	if err != nil {
		h.calls.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	web.Render(c, status, filingTemplate, buildFilingPage(card, token, values, errs))
}

// file answers POST /appels/{id}/deposer. Refused (nothing stored): over the address's
// rate (429), unknown call (404), the call not open at this instant (409, §2.2.1: the
// deposit time is the submission's, checked before the body is read), a body too large
// (413), a missing or foreign form token (403), the honeypot filled (422), a field or an
// attachment refused (422, the form again with each error next to its field).
func (h filingHandlers) file(c *gin.Context) {
	if ok, wait := h.guard.allow(c); !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		renderPublicError(c, http.StatusTooManyRequests, "Trop d'envois",
			"Trop de dossiers ont été envoyés depuis votre adresse en une minute : patientez une minute, puis envoyez de nouveau.")
		return
	}
	ctx := c.Request.Context()
	arrived := h.svc.Now()
	camp, err := h.svc.openCampaign(ctx, c.Param("id"))
	if h.refused(c, err) {
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFilingBody)
	if err := c.Request.ParseMultipartForm(filingMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			renderPublicError(c, http.StatusRequestEntityTooLarge, "Envoi trop volumineux",
				"L'envoi dépasse 45 Mo : chaque pièce jointe fait 10 Mo au plus. Rien n'a été enregistré.")
			return
		}
		renderPublicError(c, http.StatusBadRequest, "Formulaire illisible", "Le formulaire n'a pas pu être lu : rechargez la page et envoyez-le de nouveau.")
		return
	}
	form := c.Request.MultipartForm
	defer func() { _ = form.RemoveAll() }()
	if !h.guard.check(c, camp.ID, first(form.Value[formTokenField])) {
		renderPublicError(c, http.StatusForbidden, "Formulaire expiré",
			"Ce formulaire a expiré ou n'a pas été envoyé depuis la page de dépôt de ce site : rien n'a été enregistré. Rechargez la page de dépôt, puis envoyez de nouveau.")
		return
	}
	if first(form.Value[honeypotField]) != "" {
		h.calls.logger.Warn("filing refused: honeypot filled", "campaign", camp.ID, "request_id", c.GetString(requestIDKey))
		renderPublicError(c, http.StatusUnprocessableEntity, "Dossier refusé", "Votre envoi n'a pas pu être pris en compte : rien n'a été enregistré.")
		return
	}
	values, req := readFilingForm(form)
	req.submittedAt = arrived
	raw, err := json.Marshal(req)
	if err != nil {
		h.calls.fail(c, err)
		return
	}
	res, err := h.svc.File(ctx, camp, req, raw, "")
	var p *Problem
	if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity && len(p.Fields) > 0 {
		h.renderForm(c, http.StatusUnprocessableEntity, h.calls.card(camp, h.calls.now()), values, p.Fields)
		return
	}
	if h.refused(c, err) {
		return
	}
	h.confirm(c, camp, res)
}

// refused answers a refusal of the service as a page (404, 409, 503…); false when err is nil.
func (h filingHandlers) refused(c *gin.Context, err error) bool {
	if err == nil {
		return false
	}
	var p *Problem
	switch {
	case !errors.As(err, &p) || p.Status == http.StatusInternalServerError:
		h.calls.fail(c, err)
	case p.Status == http.StatusNotFound:
		renderPublicError(c, http.StatusNotFound, "Appel à projets introuvable",
			"Cet appel à projets n'existe pas : vérifiez l'adresse, ou consultez la liste des appels ouverts.")
	default: // hors délais, cancelled, engine unavailable: the service's French message
		renderPublicError(c, p.Status, "Dossier non enregistré", p.Message)
	}
	return true
}

// filedPage confirms a dossier: its reference, what was received and what comes next.
type filedPage struct {
	web.Chrome
	Call        callCard
	Application *models.Application
	Reference   string
	Replayed    bool
	Attachments []filedAttachment
}

type filedAttachment struct{ Label, FileName, Size string }

func (h filingHandlers) confirm(c *gin.Context, camp *models.Campaign, res ApplicationResult) {
	stored, err := h.svc.Applications.Attachments(c.Request.Context(), res.Application.ID)
	if err != nil {
		h.calls.fail(c, err)
		return
	}
	page := filedPage{Chrome: publicChrome("Dossier déposé", web.Crumb{Label: camp.Title, Href: PathCalls + "/" + camp.ID}, web.Crumb{Label: "Dossier déposé"}),
		Call: h.calls.card(camp, h.calls.now()), Application: res.Application, Reference: filedReference(res.Application), Replayed: res.Replayed}
	for _, a := range stored {
		page.Attachments = append(page.Attachments, filedAttachment{Label: attachmentLabel(a.Kind), FileName: a.FileName, Size: megabytes(a.Size)})
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	c.Header("Cache-Control", "no-store")
	web.Render(c, status, filedTemplate, page)
}

func attachmentLabel(kind string) string {
	for _, k := range attachmentKinds {
		if k.Kind == kind {
			return k.Label
		}
	}
	return kind
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
