package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The agents' page (DIAN only): who may sign in, with what role and territory, DIAN
// adding an agent (auth.AddAgent, the service and the checks of `aap agent add`) and
// disabling one after a confirmation (store.Agents.Disable, as `aap agent disable`:
// its sessions end at once). Both are audited with the signed-in agent as actor. A
// correspondent gets the 403 page, as on DIAN's other pages.
type agentsPages struct {
	agentPages
	agents *store.Agents
}

var (
	agentsTemplate       = agentPageTemplate("agents.html")
	agentDisableTemplate = agentPageTemplate("agent_disable.html")
)

// PathAgents is the agents' page.
const PathAgents = "/agents"

// agentsRule: DIAN alone manages the agents, as it alone runs `aap agent`.
var agentsRule = rule{roles: dianOnly, manage: true, target: targetNone}

func registerAgentsPages(g *gin.RouterGroup, a agentPages, agents *store.Agents) {
	h := agentsPages{agentPages: a, agents: agents}
	g.GET(PathAgents, a.as(agentsRule), h.list)
	g.POST(PathAgents, a.as(agentsRule), h.add)
	g.GET(PathAgents+"/:id/desactivation", a.as(agentsRule), h.confirmDisable)
	g.POST(PathAgents+"/:id/desactivation", a.as(agentsRule), h.disable)
}

type agentsPage struct {
	web.Chrome
	Agents         []agentRow
	Action, CSRF   string
	Fields         []*pageField
	Message, Error string
	Others         []string
}

type agentRow struct {
	ID                                  uint64
	Email, Name, Role, Area, LastSignIn string
	Active                              bool
	DisablePath                         string
}

func agentRowOf(a models.Agent) agentRow {
	r := agentRow{ID: a.ID, Email: a.Email, Name: a.Name, Role: "Correspondant", Area: "Tout le pays", Active: a.Active,
		LastSignIn: "jamais", DisablePath: PathAgents + "/" + strconv.FormatUint(a.ID, 10) + "/desactivation"}
	if a.Role == auth.RoleDIAN {
		r.Role = "DIAN"
	} else {
		r.Area = territory.Label(a.Territory, a.Level == models.LevelRegional)
	}
	if a.LastSignIn != nil {
		r.LastSignIn = french.DateTime(*a.LastSignIn)
	}
	return r
}

// agentLabels name the new agent's fields in a refusal no field shows.
var agentLabels = map[string]string{"email": "Adresse électronique", "name": "Nom", "role": "Rôle",
	"level": "Niveau", "territory": "Territoire"}

func (h agentsPages) list(c *gin.Context) { h.show(c, http.StatusOK, nil) }

// show renders the list and the add form; refused is the add form's refusal, its values kept.
func (h agentsPages) show(c *gin.Context, status int, refused auth.AgentErrors) {
	all, err := h.agents.List(c.Request.Context())
	if err != nil {
		h.failWith(c, err)
		return
	}
	page := agentsPage{Chrome: h.web.Chrome(c, "Agents habilités", web.Crumb{Label: "Agents habilités"}),
		Action: PathAgents, Message: doneAgentMessage(c, all)}
	page.CSRF = h.csrf(c, page.Action)
	for _, a := range all {
		page.Agents = append(page.Agents, agentRowOf(a))
	}
	page.Fields = newAgentFields(c, refused != nil)
	if refused != nil {
		page.Error = "Rien n'a été enregistré : corrigez les champs indiqués."
		fields := make([]FieldError, len(refused))
		for i, e := range refused {
			fields[i] = FieldError{Field: e.Field, Rule: e.Rule, Message: e.Message}
		}
		page.Others = formErrors(page.Fields, fields, agentLabels)
	}
	web.Render(c, status, agentsTemplate, page)
}

// doneAgentMessage confirms what the page follows: ?ajoute=<id>, ?desactive=<id>.
func doneAgentMessage(c *gin.Context, all []models.Agent) string {
	find := func(param string) *models.Agent {
		id, err := strconv.ParseUint(c.Query(param), 10, 64)
		for i := range all {
			if err == nil && all[i].ID == id {
				return &all[i]
			}
		}
		return nil
	}
	if a := find("ajoute"); a != nil {
		return "Agent ajouté : " + a.Email + " peut se connecter avec ProConnect."
	}
	if a := find("desactive"); a != nil && !a.Active {
		return "Agent désactivé : " + a.Email + " ne peut plus se connecter ; ses sessions sont fermées."
	}
	return ""
}

func newAgentFields(c *gin.Context, refused bool) []*pageField {
	typed := func(name string) string {
		if !refused {
			return ""
		}
		return c.PostForm(name)
	}
	return []*pageField{
		{Kind: "email", ID: "email", Name: "email", Label: "Adresse électronique professionnelle",
			Hint: "Celle du compte ProConnect de l'agent, par exemple prenom.nom@interieur.gouv.fr.", Value: typed("email"),
			Autocomplete: "off", MaxLength: 254, Required: true},
		{Kind: "text", ID: "name", Name: "name", Label: "Nom", Hint: "Tel qu'il s'affiche sur les pages ; facultatif, au plus 200 caractères.",
			Value: typed("name"), Autocomplete: "off", MaxLength: 200},
		{Kind: "radio", ID: "role", Name: "role", Label: "Rôle", Value: typed("role"), Required: true,
			Options: []pageOption{{auth.RoleCorrespondent, "Correspondant d'une région ou d'un département"},
				{auth.RoleDIAN, "DIAN (tout le pays)"}}},
		{Kind: "text", ID: "territory", Name: "territory", Label: "Territoire du correspondant",
			Hint:  "Le code INSEE de sa région (84) ou de son département (69, 2A) ; vide pour un agent de la DIAN.",
			Value: typed("territory"), MaxLength: 3, Autocomplete: "off"},
		{Kind: "select", ID: "level", Name: "level", Label: "Niveau du correspondant", Value: typed("level"),
			Hint:    "Seulement pour un code à la fois de région et de département (par exemple 11, 24, 27…).",
			Options: []pageOption{{"", "Déduit du code"}, {models.LevelRegional, "Région"}, {models.LevelDepartmental, "Département"}}},
	}
}

// add answers the add form: auth.AddAgent, as `aap agent add`, audited under the signed-in agent.
func (h agentsPages) add(c *gin.Context) {
	n := auth.NewAgent{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: c.PostForm("role"),
		Territory: c.PostForm("territory"), Level: c.PostForm("level")}
	a, err := auth.AddAgent(c.Request.Context(), h.agents, n)
	var refused auth.AgentErrors
	if errors.As(err, &refused) {
		h.show(c, http.StatusUnprocessableEntity, refused)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PathAgents+"?ajoute="+strconv.FormatUint(a.ID, 10))
}

type agentDisablePage struct {
	web.Chrome
	Agent        agentRow
	Action, CSRF string
	// Self: DIAN cannot disable itself (it would lock itself out).
	Self bool
}

// agentOf is the agent of the path's :id, or a 404 page.
func (h agentsPages) agentOf(c *gin.Context) (*models.Agent, bool) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		h.failWith(c, store.ErrNotFound)
		return nil, false
	}
	a, err := h.agents.Get(c.Request.Context(), id)
	if err != nil {
		h.failWith(c, err)
		return nil, false
	}
	return a, true
}

// confirmDisable asks DIAN to confirm: the agent loses access at once.
func (h agentsPages) confirmDisable(c *gin.Context) {
	a, ok := h.agentOf(c)
	if !ok {
		return
	}
	h.showDisable(c, http.StatusOK, a)
}

func (h agentsPages) showDisable(c *gin.Context, status int, a *models.Agent) {
	row := agentRowOf(*a)
	page := agentDisablePage{Chrome: h.web.Chrome(c, "Désactiver l'agent "+a.Email,
		web.Crumb{Label: "Agents habilités", Href: PathAgents}, web.Crumb{Label: "Désactiver " + a.Email}),
		Agent: row, Action: row.DisablePath, Self: a.ID == h.web.Viewer(c).AgentID}
	page.CSRF = h.csrf(c, page.Action)
	web.Render(c, status, agentDisableTemplate, page)
}

// disable answers the confirmation: the agent is disabled and its sessions end
// (store.Agents.Disable, as `aap agent disable`), audited under the signed-in agent.
func (h agentsPages) disable(c *gin.Context) {
	a, ok := h.agentOf(c)
	if !ok {
		return
	}
	if a.ID == h.web.Viewer(c).AgentID {
		h.showDisable(c, http.StatusConflict, a)
		return
	}
	if err := h.agents.Disable(c.Request.Context(), a.ID, h.web.Now()); err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PathAgents+"?desactive="+strconv.FormatUint(a.ID, 10))
}
