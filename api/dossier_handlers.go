package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
)

// dossierOutcome is what the page says after a post: the confirmation, the
// error, what was typed, and the status (422 for a form to correct).
type dossierOutcome struct {
	Message, Error string
	Typed          dossierForm
	Status         int
}

// showDossier renders « Mon dossier » for the dossier the link reaches.
func (h linkHandlers) showDossier(c *gin.Context, l auth.Link, out dossierOutcome) {
	ctx := c.Request.Context()
	f, err := h.linkedDossier(ctx, l)
	if err != nil {
		h.respond(c, linkPage{}, err)
		return
	}
	base := "/liens/" + c.Param("token")
	p := newDossierPage(f, base)
	p.Message, p.Error = out.Message, out.Error
	due := f.due()
	switch {
	case due == actionNone:
	case linkAllows(l.Action, due):
		p.Action = f.actionForm(due, out.Typed)
		if p.CSRF, err = web.CSRFToken(h.links, base, h.now()); err != nil {
			h.respond(c, linkPage{}, err)
			return
		}
	default:
		p.Elsewhere = "À faire maintenant : " + actionTitles[due] + ". Ce lien ne le permet pas : ouvrez le lien « Mon dossier » du dernier courriel reçu à ce sujet."
	}
	status := out.Status
	if status == 0 {
		status = http.StatusOK
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	web.Render(c, status, dossierTemplate, p)
}

// actDossier does the action the form names (a narrower link's own when it names
// none), through the API's services, then shows « Mon dossier » again.
func (h linkHandlers) actDossier(c *gin.Context, l auth.Link) {
	ctx := c.Request.Context()
	action := c.PostForm("action")
	if action == "" {
		action = impliedAction(l.Action)
	}
	if !linkAllows(l.Action, action) || actionTitles[action] == "" {
		h.showDossier(c, l, dossierOutcome{Error: "Ce lien ne permet pas cette démarche.", Status: http.StatusForbidden})
		return
	}
	f, err := h.linkedDossier(ctx, l)
	if err != nil {
		h.respond(c, linkPage{}, err)
		return
	}
	out, err := h.doAction(ctx, c, f, action)
	var p *Problem
	switch {
	case errors.As(err, &p) && p.Status == http.StatusConflict:
		// Another command won (a second click, a concurrent signature): the page says
		// so, with the API's status, so that only the winner answers 200.
		out = dossierOutcome{Error: p.Message, Status: http.StatusConflict}
	case err != nil:
		h.respond(c, linkPage{}, err)
		return
	}
	h.showDossier(c, l, out)
}

// doAction runs one action through the service the API uses for it.
func (h linkHandlers) doAction(ctx context.Context, c *gin.Context, f dossierFacts, action string) (dossierOutcome, error) {
	switch action {
	case actionConfirm:
		err := h.applications.ConfirmReceipt(ctx, f.App.ID, h.now())
		return dossierOutcome{Message: "Merci : la bonne réception de l'accusé est enregistrée ; votre adresse est confirmée."}, err
	case actionSign:
		if f.Convention == nil {
			return dossierOutcome{}, store.ErrNotFound
		}
		signer := strings.TrimSpace(c.PostForm("signed_by"))
		_, err := h.conventions.Sign(ctx, f.Convention.ID, SignatureRequest{SignedBy: signer})
		var p *Problem
		if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity {
			return dossierOutcome{Error: "La convention n'est pas signée : corrigez le champ indiqué.", Status: http.StatusUnprocessableEntity,
				Typed: dossierForm{Signer: signer, FieldErrors: []linkFieldError{{Field: "signed_by",
					Text: "Indiquez le nom et la qualité du signataire (2 à 300 caractères)."}}}}, nil
		}
		return dossierOutcome{Message: "Merci : la signature de la convention est enregistrée ; une confirmation vous est envoyée par courriel."}, err
	case actionPNE:
		if f.PNE == nil {
			return dossierOutcome{}, store.ErrNotFound
		}
		_, err := h.pne.Declare(ctx, f.PNE.Year, f.PNE.ID)
		return dossierOutcome{Message: pneDeclaredMessage}, err
	case actionReport:
		if f.Convention == nil {
			return dossierOutcome{}, store.ErrNotFound
		}
		return h.sendReport(ctx, c, f)
	}
	return dossierOutcome{}, store.ErrNotFound
}
