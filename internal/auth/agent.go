package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// NewAgent describes an agent to create (`aap agent add`, DIAN's page).
type NewAgent struct {
	Email string
	Name  string
	Role  string
	// Level is "regional" or "departmental" ("" derives it from the territory, as a token's);
	// Territory a correspondent's INSEE code. Both empty for DIAN.
	Level     string
	Territory string
}

// AgentFieldError is one refused field of a NewAgent, in French.
type AgentFieldError struct {
	Field   string // email, name, role, level, territory
	Rule    string
	Message string
}

// AgentErrors are every refused field of a NewAgent.
type AgentErrors []AgentFieldError

func (e AgentErrors) Error() string {
	msgs := make([]string, len(e))
	for i, f := range e {
		msgs[i] = f.Field + " : " + f.Message
	}
	return strings.Join(msgs, " ; ")
}

// Validate checks the agent and fills its level; the error is AgentErrors.
func (n *NewAgent) Validate() error {
	n.Email = store.NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	n.Territory = strings.TrimSpace(n.Territory)
	var errs AgentErrors
	add := func(field, rule, msg string) { errs = append(errs, AgentFieldError{field, rule, msg}) }
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email || len(n.Email) > 254 {
		add("email", "email", "adresse électronique invalide (exemple : prenom.nom@interieur.gouv.fr)")
	}
	if len([]rune(n.Name)) > 200 {
		add("name", "max_length", "le nom compte au plus 200 caractères")
	}
	switch n.Role {
	case RoleDIAN:
		if n.Territory != "" || n.Level != "" {
			add("territory", "national", "un agent de la DIAN n'a ni territoire ni niveau : il couvre tout le pays")
		}
	case RoleCorrespondent:
		n.validateArea(add)
	default:
		add("role", "one_of", "le rôle est « dian » ou « correspondent »")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// validateArea checks a correspondent's level and territory (a region's or a department's INSEE code).
func (n *NewAgent) validateArea(add func(field, rule, msg string)) {
	switch n.Level {
	case "", models.LevelRegional, models.LevelDepartmental:
	default:
		add("level", "one_of", "le niveau est « regional » ou « departmental »")
		return
	}
	if n.Territory == "" {
		add("territory", "required", "un correspondant a un territoire : le code INSEE de sa région (84) ou de son département (69)")
		return
	}
	level, err := LevelOf(n.Territory, n.Level)
	if err != nil {
		what := "aucune région ni aucun département"
		switch n.Level {
		case models.LevelRegional:
			what = "aucune région"
		case models.LevelDepartmental:
			what = "aucun département"
		}
		add("territory", "insee_code", fmt.Sprintf("« %s » : %s n'a ce code INSEE", n.Territory, what))
		return
	}
	n.Level = level
}

// AddAgent validates and stores a new active agent.
func AddAgent(ctx context.Context, agents *store.Agents, n NewAgent) (*models.Agent, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	a := &models.Agent{Email: n.Email, Name: n.Name, Role: n.Role, Level: n.Level, Territory: n.Territory}
	if err := agents.Create(ctx, a); err != nil {
		if errors.Is(err, store.ErrAgentExists) {
			return nil, AgentErrors{{Field: "email", Rule: "unique", Message: "un agent a déjà cette adresse électronique"}}
		}
		return nil, err
	}
	return a, nil
}

// PrincipalOfAgent is the principal of a signed-in agent.
func PrincipalOfAgent(a *models.Agent) Principal {
	name := a.Name
	if name == "" {
		name = a.Email
	}
	return Principal{AgentID: a.ID, Email: a.Email, Name: name, Role: a.Role, Level: a.Level, Territory: a.Territory}
}
