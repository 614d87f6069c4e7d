package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// signInPage is /connexion: the provider's button, or `aap dev`'s choice of an agent.
type signInPage struct {
	layout
	// Message says why the last attempt failed; SignedOut that the agent just signed out.
	Message   string
	SignedOut bool
	OIDC      bool
	// Dev lists the agents `aap dev` signs in as; DevPath and CSRF its form.
	Dev     []devChoice
	DevOn   bool
	DevPath string
	CSRF    string
}

type devChoice struct {
	ID           uint64
	Label, Email string
	Checked      bool
}

func (p *pages) signInPageWith(c *gin.Context, message string) signInPage {
	page := signInPage{layout: layout{Title: "Connexion", Home: "/", DevMail: p.d.DevMail}, Message: message,
		SignedOut: c.Query("deconnecte") == "1" && message == "", OIDC: p.d.OIDC != nil, DevOn: p.d.DevSignIn, DevPath: devSignInPath}
	if !p.d.DevSignIn {
		return page
	}
	agents, err := p.agents.ListActive(c.Request.Context())
	if err != nil {
		p.d.Logger.Error("dev sign-in agents", "error", err, "request_id", c.GetString("request_id"))
	}
	for i, a := range agents {
		page.Dev = append(page.Dev, devChoice{ID: a.ID, Email: a.Email, Label: agentLabel(&a), Checked: i == 0})
	}
	page.CSRF, _ = CSRFToken(p.links, devSignInPath, p.d.Now())
	return page
}

// agentLabel names an agent and its area: « Marie Curie — correspondant, Rhône (69) ».
func agentLabel(a *models.Agent) string {
	name := a.Name
	if name == "" {
		name = a.Email
	}
	if a.Role != auth.RoleCorrespondent {
		return name + " — DIAN"
	}
	return name + " — correspondant, " + territory.Label(a.Territory, a.Level == models.LevelRegional)
}

func (p *pages) signInForm(c *gin.Context) {
	p.render(c, http.StatusOK, "signin.html", p.signInPageWith(c, ""))
}

// signInRefused shows the sign-in page again with why the attempt failed.
func (p *pages) signInRefused(c *gin.Context, status int, message string) {
	p.render(c, status, "signin.html", p.signInPageWith(c, message))
}

// noAccessPage tells a person the provider knows but who is not an active agent whom to ask.
type noAccessPage struct {
	layout
	Email, Contact string
	// ProviderSignOut ends the provider's session, to sign in with another account; "" for none.
	ProviderSignOut string
}

// admit opens a session for the active agent the provider's identity is: by
// subject, else by email (whose subject is then recorded). Anyone else gets the
// page saying whom to ask, and no session.
func (p *pages) admit(c *gin.Context, who identity) {
	ctx := c.Request.Context()
	agent, err := p.agents.BySubject(ctx, who.Subject)
	if errors.Is(err, store.ErrNotFound) && who.Email != "" {
		agent, err = p.agents.ByEmail(ctx, who.Email)
		if err == nil && agent.Subject != nil && *agent.Subject != who.Subject {
			err = store.ErrNotFound // the email's agent signed in with another account: not this person
		}
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.d.Logger.Error("sign-in: agent lookup", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu aboutir ; l'incident est journalisé.")
		return
	}
	if err != nil || !agent.Active {
		p.refuseAgent(c, who, agent)
		return
	}
	if err := p.startSession(c, agent, who.Subject, who.IDToken, "oidc"); err != nil {
		p.d.Logger.Error("sign-in: session", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu aboutir ; l'incident est journalisé.")
		return
	}
	c.Redirect(http.StatusSeeOther, "/")
}

// refuseAgent answers 403 to a person who is not an active agent, saying whom to ask.
func (p *pages) refuseAgent(c *gin.Context, who identity, agent *models.Agent) {
	state := "unknown"
	if agent != nil && agent.ID != 0 {
		state = "disabled agent " + strconv.FormatUint(agent.ID, 10)
	}
	p.d.Logger.Warn("sign-in refused: not an active agent", "subject", who.Subject, "state", state,
		"request_id", c.GetString("request_id"))
	page := noAccessPage{layout: layout{Title: "Accès réservé aux agents habilités", Home: "/", DevMail: p.d.DevMail},
		Email: who.Email, Contact: p.d.ContactEmail}
	if p.d.OIDC != nil && who.IDToken != "" {
		page.ProviderSignOut, _ = p.d.OIDC.endSessionURL(c.Request.Context(), who.IDToken)
	}
	p.render(c, http.StatusForbidden, "noaccess.html", page)
}
