package auth

import (
	"context"
	"fmt"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Principal is who a request acts for: an API token (TokenID) or an agent
// signed in to the pages (AgentID, Email).
type Principal struct {
	TokenID   uint64
	AgentID   uint64
	Email     string
	Name      string
	Role      string
	Level     string // correspondents: regional or departmental
	Territory string // correspondents: INSEE code
}

// PrincipalOf is the principal of a stored token.
func PrincipalOf(t *models.APIToken) Principal {
	return Principal{TokenID: t.ID, Name: t.Name, Role: t.Role, Level: t.Level, Territory: t.Territory}
}

// IsDIAN reports whether p is the national administration.
func (p Principal) IsDIAN() bool { return p.Role == RoleDIAN }

// String names the principal in logs.
func (p Principal) String() string {
	who := fmt.Sprintf("token %d", p.TokenID)
	if p.AgentID != 0 {
		who = fmt.Sprintf("agent %d", p.AgentID)
	}
	if p.IsDIAN() {
		return "dian " + who
	}
	return fmt.Sprintf("%s correspondent %s, %s", p.Level, p.Territory, who)
}

// ReadScope is what p may read: DIAN everything; a region's correspondent its
// regional calls and its departments' calls; a department's its own calls.
func (p Principal) ReadScope() store.Scope {
	switch {
	case p.IsDIAN():
		return store.Everything
	case p.Role == RoleCorrespondent && p.Level == models.LevelRegional:
		s := store.Scope{Regions: []string{p.Territory}}
		for _, d := range territory.DepartmentsOf(p.Territory) {
			s.Departments = append(s.Departments, d.Code)
		}
		return s
	case p.Role == RoleCorrespondent && p.Level == models.LevelDepartmental:
		return store.Scope{Departments: []string{p.Territory}}
	}
	return store.Scope{}
}

// ManageScope is what p may change: DIAN every call; a correspondent the calls
// of its own level and territory only (a region's correspondent reads its
// departments' calls but does not run them).
func (p Principal) ManageScope() store.Scope {
	switch {
	case p.IsDIAN():
		return store.Everything
	case p.Role == RoleCorrespondent && p.Level == models.LevelRegional:
		return store.Scope{Regions: []string{p.Territory}}
	case p.Role == RoleCorrespondent && p.Level == models.LevelDepartmental:
		return store.Scope{Departments: []string{p.Territory}}
	}
	return store.Scope{}
}

// Actor is p as the audit trail records it.
func (p Principal) Actor(requestID string) store.Actor {
	if p.AgentID != 0 {
		id := p.AgentID
		return store.Actor{Name: p.Name, AgentID: &id, RequestID: requestID}
	}
	id := p.TokenID
	return store.Actor{Name: p.Name, TokenID: &id, RequestID: requestID}
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
