package api

import (
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// agentPages serve the agents' pages that act through the API's services —
// the PNE list, the on-site controls, the CTAI requests and DIAN's audit trail —
// behind the dashboard's sign-in, in its layout. Each page route acts as an API
// route and takes its access rule from routeRules (the same roles, the same
// territory: outside it, a 404 page as for an unknown object), and the signed-in
// agent is the audit trail's actor, as a token is on the API.
type agentPages struct {
	web     web.AgentKit
	resolve map[target]resolver
	logger  *slog.Logger
}

// maxPageForm bounds an agent's form body (the longest field is a 5,000-character text).
const maxPageForm = 64 << 10

// registerAgentPages adds to g (behind the sign-in) the agents' pages of the services the router has.
func registerAgentPages(g *gin.RouterGroup, kit web.AgentKit, d Deps) {
	a := agentPages{web: kit, resolve: targets(d.DB), logger: d.Logger}
	if d.PNE != nil {
		registerPNEPages(g, a, d.PNE)
	}
	if d.Controls != nil {
		registerControlPages(g, a, d.Controls)
	}
	if d.CTAI != nil {
		registerCTAIPages(g, a, d.CTAI)
	}
	registerAuditPages(g, a, store.NewAudit(d.DB))
	registerAgentsPages(g, a, store.NewAgents(d.DB))
}

// apiRule is the access rule of an API route ("METHOD /api/v1/…") a page acts as.
func apiRule(route string) rule {
	r, ok := routeRules[route]
	if !ok {
		panic("agent page acting as a route without an access rule: " + route)
	}
	return r
}

// listing is the rule of a page listing what the agent may read, narrowed by its read scope (readScope).
var listing = rule{roles: anyRole, target: targetNone}

// readingOne is the rule of a page reading one object that the API reads in a
// list only (a PNE structure): any role, inside its read scope.
func readingOne(t target) rule { return rule{roles: anyRole, target: t} }

// as is the middleware of a page route under the access rule r (apiRule: the
// API route's it acts as): the roles (403 page), the signed-in agent as principal
// and audit actor, the target's territory (404 page outside it, logged), and for
// a POST the form's CSRF token (403 page, nothing done).
func (a agentPages) as(r rule) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := a.web.Viewer(c)
		c.Set(principalKey, p)
		ctx := store.WithActor(c.Request.Context(), p.Actor(c.GetString(requestIDKey)))
		c.Request = c.Request.WithContext(ctx)
		if !r.allows(p.Role, p.Level) {
			a.fail(c, http.StatusForbidden, "Votre rôle ne permet pas d'ouvrir cette page.")
			return
		}
		if r.target != targetNone {
			scope := p.ReadScope()
			if r.manage {
				scope = p.ManageScope()
			}
			inside, err := a.resolve[r.target](ctx, c, scope)
			if err == nil && !inside {
				a.logger.Warn("agent page outside the viewer's scope: answered 404", "path", c.Request.URL.Path,
					"principal", p.String(), "request_id", c.GetString(requestIDKey))
				err = store.ErrNotFound
			}
			if err != nil {
				a.failWith(c, err)
				return
			}
		}
		if c.Request.Method == http.MethodPost {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPageForm)
			if !a.web.CheckCSRF(c) {
				a.fail(c, http.StatusForbidden, "Votre envoi n'est pas enregistré : le formulaire a expiré. Rechargez la page et envoyez-le de nouveau.")
				return
			}
		}
		c.Next()
	}
}

// fail answers with the dashboard's error page and stops the request.
func (a agentPages) fail(c *gin.Context, status int, message string) {
	a.web.Fail(c, status, message)
	c.Abort()
}

// failWith answers an error no form shows: a 404 page for an unknown object (or
// one outside the territory), the Problem's French message, or a logged 500.
func (a agentPages) failWith(c *gin.Context, err error) {
	var p *Problem
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errNotFound):
		a.fail(c, http.StatusNotFound, "Cette page n'existe pas, ou ne relève pas de votre territoire.")
	case errors.As(err, &p):
		a.fail(c, p.Status, p.Message)
	default:
		a.logger.Error("agent page", "path", c.Request.URL.Path, "error", err, "request_id", c.GetString(requestIDKey))
		a.fail(c, http.StatusInternalServerError, "La page n'a pas pu être construite ; l'incident est journalisé.")
	}
}

// csrf is the token of the form posting to path, for the signed-in agent; "" when it
// cannot be made (logged: the form is then refused, never accepted without one).
func (a agentPages) csrf(c *gin.Context, path string) string {
	token, err := a.web.CSRF(c, path)
	if err != nil {
		a.logger.Error("CSRF token", "error", err, "request_id", c.GetString(requestIDKey))
	}
	return token
}

// mayCall reports whether the signed-in agent may call apiRoute at all (a page shows its form only then).
func mayCall(c *gin.Context, apiRoute string) bool {
	p := principal(c)
	allowed, _ := RoleMayCall(apiRoute, p.Role, p.Level)
	return allowed
}

// pageField is one field of an agent's form (DSFR: label, hint, error state).
type pageField struct {
	Kind                         string // text, email, date, textarea, select, radio
	ID, Name, Label, Hint, Value string
	Error                        string
	InputMode, Autocomplete      string
	MaxLength                    int
	Required                     bool
	Options                      []pageOption
}

// pageOption is one choice of a select or radio field.
type pageOption struct{ Value, Label string }

// HintID and ErrorID tie the hint and the error to the input (aria-describedby).
func (f pageField) HintID() string  { return f.ID + "-aide" }
func (f pageField) ErrorID() string { return f.ID + "-erreur" }

// formErrors places refused fields next to their inputs; the others are returned to be shown above the form.
func formErrors(fields []*pageField, errs []FieldError, labels map[string]string) (others []string) {
	byName := map[string]*pageField{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	for _, e := range errs {
		if f, ok := byName[e.Field]; ok {
			if f.Error != "" {
				f.Error += " ; "
			}
			f.Error += e.Message
			continue
		}
		label := labels[e.Field]
		if label == "" {
			label = e.Field
		}
		others = append(others, label+" : "+e.Message)
	}
	return others
}

// pageOutcome is what a form's post left: a confirmation, or a refusal to show.
type pageOutcome struct {
	Message string
	Error   string
	Status  int
	Fields  []FieldError
}

// outcomeOf turns a service's refusal into what the page shows: a 422 with the
// fields, a 409's French message, anything else is not the form's (nil).
func outcomeOf(err error) (pageOutcome, bool) {
	var p *Problem
	if !errors.As(err, &p) || p.Status == http.StatusNotFound || p.Status >= 500 {
		return pageOutcome{}, false
	}
	msg := p.Message
	if len(p.Fields) > 0 {
		msg = "Rien n'a été enregistré : corrigez les champs indiqués."
	}
	return pageOutcome{Error: msg, Status: p.Status, Fields: p.Fields}, true
}

// typedAmount is an amount typed the French way ("12 500,50 €") as the API reads it ("12500.50").
func typedAmount(s string) json.Number {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", ",", ".").Replace(strings.TrimSpace(s))
	return json.Number(s)
}

// agentPageFuncs are the functions of the agents' page templates.
var agentPageFuncs = template.FuncMap{
	"euros":    french.Euros,
	"datetime": french.DateTime,
	"day":      frenchDay,
	"place": func(region, department string) string {
		if department != "" {
			return territory.Label(department, false)
		}
		return territory.Label(region, true)
	},
	"department": func(code string) string { return territory.Label(code, false) },
	"region":     func(code string) string { return territory.Label(code, true) },
	"levelLabel": func(level, code string) string { return territory.Label(code, level == models.LevelRegional) },
}

// agentPageTemplate parses one of pages/*.html, with the agents' form components, in the shared layout.
func agentPageTemplate(name string) *template.Template {
	content, err := publicPagesFS.ReadFile("pages/" + name)
	if err != nil {
		panic(err)
	}
	components, err := publicPagesFS.ReadFile("pages/agent_components.html")
	if err != nil {
		panic(err)
	}
	return web.NewPage(name, agentPageFuncs, string(components)+string(content))
}
