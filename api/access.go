package api

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Who may call what: routeRules is the one table of the API's authorization.
// Every route under /api/v1 needs a line here; TestEveryRouteHasAnAccessRuleAndEveryRoleGetsIt
// fails, naming the route, when one is missing (and the route answers 403 to everybody).
//
// To add a route:
//  1. Register it in NewRouter under v1 as usual.
//  2. Add `"METHOD /api/v1/path/:param": {...}` below, the path exactly as gin's FullPath:
//     - roles: who may call it at all (anyRole, dianOnly, or dianOrDepartment: DIAN and
//     the departments' correspondents, not the regions'); others get 403;
//     - manage: true when it changes something (the caller needs the manage scope,
//     false when reading is enough);
//     - target: how the route's :id finds its territory — targetCampaign (:id is a
//     campaign), targetApplication, targetConvention, targetPNEStructure (:year, :id);
//     add a resolver to targets for a new kind. A resource outside the caller's scope
//     answers 404, as if it did not exist, and is logged.
//     - targetNone for lists and creations: the handler narrows a list with
//     readScope(c) (store filters take a *store.Scope), and checks a created resource's
//     territory with requireManage(c, level, territory).
//  3. Document it in api/openapi.yaml (401/403/404 answers come with every /api/v1 route).
var routeRules = map[string]rule{
	"POST /api/v1/campaigns":              {roles: anyRole, manage: true, target: targetNone},
	"GET /api/v1/campaigns":               {roles: anyRole, target: targetNone},
	"GET /api/v1/campaigns/:id":           {roles: anyRole, target: targetCampaign},
	"GET /api/v1/campaigns/:id/connector": {roles: anyRole, target: targetCampaign},
	// preload: the filing reads its call outside its transaction (openCampaign), a moment after this check.
	"POST /api/v1/campaigns/:id/applications": {roles: anyRole, manage: true, target: targetCampaign, preload: true},
	"GET /api/v1/campaigns/:id/applications":  {roles: anyRole, target: targetCampaign},
	"GET /api/v1/applications/:id":            {roles: anyRole, target: targetApplication},
	"POST /api/v1/campaigns/:id/selection":    {roles: anyRole, manage: true, target: targetCampaign},
	// §8.2: the correspondent assesses a dossier's redundancy with AGIR at instruction.
	"POST /api/v1/applications/:id/agir-assessment": {roles: anyRole, manage: true, target: targetApplication},
	"POST /api/v1/campaigns/:id/cancel":             {roles: anyRole, manage: true, target: targetCampaign},
	"GET /api/v1/conventions/:id":                   {roles: anyRole, target: targetConvention},
	"GET /api/v1/conventions/:id/document":          {roles: anyRole, target: targetConvention},
	"POST /api/v1/conventions/:id/signature":        {roles: anyRole, manage: true, target: targetConvention},
	"GET /api/v1/emails":                            {roles: anyRole, target: targetNone},
	"GET /api/v1/pne/:year":                         {roles: anyRole, target: targetNone},
	"GET /api/v1/pne/:year/structures":              {roles: anyRole, target: targetNone},
	"PUT /api/v1/pne/:year/structures/:id":          {roles: dianOrDepartment, manage: true, target: targetPNEStructure},
	"POST /api/v1/pne/:year/responses":              {roles: dianOnly, manage: true, target: targetNone},
	"POST /api/v1/pne/:year/results":                {roles: dianOnly, manage: true, target: targetNone},
	"GET /api/v1/audit":                             {roles: dianOnly, target: targetNone},
	// DIAN's national view and its exports; a correspondent reads its calls' timelines.
	"GET /api/v1/monitoring/overview":         {roles: dianOnly, target: targetNone},
	"GET /api/v1/monitoring/overview.xlsx":    {roles: dianOnly, target: targetNone},
	"GET /api/v1/monitoring/dossiers.xlsx":    {roles: dianOnly, target: targetNone},
	"GET /api/v1/monitoring/conventions.xlsx": {roles: dianOnly, target: targetNone},
	"GET /api/v1/campaigns/:id/timeline":      {roles: anyRole, target: targetCampaign},
	// §8.5 on-site controls: a control is its convention's call's; a region's ranking and
	// synthesis are its correspondent's and DIAN's (a department's correspondent sees its
	// department's candidates only, and not the region's synthesis).
	"POST /api/v1/conventions/:id/doubts":               {roles: anyRole, manage: true, target: targetConvention},
	"POST /api/v1/controls":                             {roles: anyRole, manage: true, target: targetNone},
	"GET /api/v1/controls":                              {roles: anyRole, target: targetNone},
	"GET /api/v1/controls/:year/:region/candidates":     {roles: anyRole, target: targetRegion},
	"GET /api/v1/controls/:year/:region/synthesis.xlsx": {roles: anyRole, target: targetRegion},
	"POST /api/v1/controls/:id/result":                  {roles: anyRole, manage: true, target: targetControl},
	"POST /api/v1/controls/:id/follow-up":               {roles: anyRole, manage: true, target: targetControl},

	// The correspondent records the compte-rendu financier the association sent (§8.4).
	"POST /api/v1/conventions/:id/financial-report": {roles: anyRole, manage: true, target: targetConvention},
	// The PNE list as XLSX and address corrections; the CTAI requests (§3).
	"GET /api/v1/pne/:year/structures.xlsx":  {roles: anyRole, target: targetNone},
	"PATCH /api/v1/pne/:year/structures/:id": {roles: dianOrDepartment, manage: true, target: targetPNEStructure},
	// §8.4: a structure added by hand to the list; the body's department outside the caller's is a 404.
	"POST /api/v1/pne/:year/structures": {roles: dianOrDepartment, manage: true, target: targetNone},
	"POST /api/v1/ctai":                 {roles: anyRole, manage: true, target: targetNone},
	"GET /api/v1/ctai/:id":              {roles: anyRole, target: targetCTAI},

	// A dossier's attachments (filed online) are read like the dossier.
	"GET /api/v1/applications/:id/attachments":       {roles: anyRole, target: targetApplication},
	"GET /api/v1/applications/:id/attachments/:kind": {roles: anyRole, target: targetApplication},
	// §3.4: « la DIAN et la DIAIR valideront les demandes »: the opinion is DIAN's.
	"POST /api/v1/ctai/:id/opinion": {roles: dianOnly, manage: true, target: targetCTAI},
}

// rule is one line of routeRules.
type rule struct {
	roles  []string
	manage bool
	target target
	// preload: the handler takes the row the access check read instead of reading it again
	// (every GET does; a write only where it reads the row outside its transaction anyway).
	preload bool
}

var (
	anyRole  = []string{auth.RoleDIAN, auth.RoleCorrespondent}
	dianOnly = []string{auth.RoleDIAN}
	// dianOrDepartment: the README's table gives a department's correspondent, not a
	// region's, the PNE structures' answers and addresses (§8.4: the department follows them).
	dianOrDepartment = []string{auth.RoleDIAN, departmentalCorrespondent}
)

// departmentalCorrespondent is a department's correspondent in a rule's roles
// (auth.RoleCorrespondent admits both levels).
const departmentalCorrespondent = auth.RoleCorrespondent + "/" + models.LevelDepartmental

// target names the kind of resource a route's parameters designate.
type target int

const (
	targetNone target = iota
	targetCampaign
	targetApplication
	targetConvention
	targetPNEStructure
	// targetControl: :id is an on-site control, its territory its convention's call's.
	targetControl
	// targetRegion: :region is a region; a department's correspondent reaches its own region.
	targetRegion
	// targetCTAI: :id is a CTAI request (its department), or "<year>.xlsx", the
	// summary table, which the handler narrows to the caller's scope.
	targetCTAI
)

// allows reports whether the rule lets a caller of role (and level, for a
// correspondent) call the route at all.
func (r rule) allows(role, level string) bool {
	for _, allowed := range r.roles {
		if allowed == role || allowed == role+"/"+level {
			return true
		}
	}
	return false
}

// RoleMayCall reports whether a principal of role and level may call the route
// "METHOD /full/path", and whether the route has a rule at all (tests walk the router with it).
func RoleMayCall(route, role, level string) (allowed, hasRule bool) {
	r, ok := routeRules[route]
	return ok && r.allows(role, level), ok
}

var (
	errForbidden = &Problem{Status: http.StatusForbidden, Code: "forbidden",
		Message: "Votre rôle ne permet pas cette opération."}
	errOutsideTerritory = &Problem{Status: http.StatusForbidden, Code: "outside_territory",
		Message: "Votre jeton ne couvre pas ce territoire : un correspondant agit sur les appels de son territoire."}
)

const principalKey = "principal"

// principal is the caller of a request that went through authenticate.
func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}

// readScope is what the caller may read, for store filters.
func readScope(c *gin.Context) *store.Scope {
	s := principal(c).ReadScope()
	return &s
}

// requireManage answers 403 and returns false when the caller may not run a
// call of this level and territory (a creation: nothing to hide).
func requireManage(c *gin.Context, level, territory string) bool {
	if principal(c).ManageScope().Covers(level, territory) {
		return true
	}
	respondError(c, errOutsideTerritory)
	return false
}

// authorize applies routeRules to every /api/v1 request.
func authorize(db *gorm.DB, log *slog.Logger) gin.HandlerFunc {
	resolve := targets(db)
	return func(c *gin.Context) {
		route := c.Request.Method + " " + c.FullPath()
		r, ok := routeRules[route]
		p := principal(c)
		if !ok {
			log.Error("route without an access rule: add it to api/access.go", "route", route)
			respondError(c, errForbidden)
			return
		}
		if !r.allows(p.Role, p.Level) {
			respondError(c, errForbidden)
			return
		}
		if r.target == targetNone {
			c.Next()
			return
		}
		scope := p.ReadScope()
		if r.manage {
			scope = p.ManageScope()
		}
		ctx := c.Request.Context()
		if c.Request.Method == http.MethodGet || r.preload {
			ctx, _ = withPreloaded(ctx)
			c.Request = c.Request.WithContext(ctx)
		}
		inside, err := resolve[r.target](ctx, c, scope)
		if err != nil {
			respondError(c, storeError(err))
			return
		}
		if !inside {
			log.Warn("outside the caller's scope: answered 404", "route", route, "path", c.Request.URL.Path,
				"principal", p.String(), "request_id", c.GetString(requestIDKey))
			respondError(c, errNotFound)
			return
		}
		c.Next()
	}
}

// resolver reports whether the resource a request designates is inside scope.
type resolver func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error)

func targets(db *gorm.DB) map[target]resolver {
	campaigns, applications, conventions := store.NewCampaigns(db), store.NewApplications(db), store.NewConventions(db)
	structures, controls := store.NewPNEStructures(db), store.NewControls(db)
	ctaiRequests := store.NewCTAIRequests(db)
	campaignInside := func(ctx context.Context, id string, scope store.Scope) (bool, error) {
		camp, err := campaigns.Get(ctx, id)
		if err != nil {
			return false, err
		}
		inside := scope.Covers(camp.Level, camp.Territory)
		if p := preloadedOf(ctx); inside && p.campaigns != nil {
			p.campaigns[id] = camp
		}
		return inside, nil
	}
	return map[target]resolver{
		targetCampaign: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			return campaignInside(ctx, c.Param("id"), scope)
		},
		targetApplication: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			a, err := applications.Find(ctx, c.Param("id")) // its ID or its reference (AAP-2027-69-0042)
			if err != nil {
				return false, err
			}
			inside, err := campaignInside(ctx, a.CampaignID, scope)
			if p := preloadedOf(ctx); inside && p.applications != nil {
				p.applications[c.Param("id")] = a
			}
			return inside, err
		},
		targetConvention: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			conv, err := conventions.Get(ctx, c.Param("id"))
			if err != nil {
				return false, err
			}
			return campaignInside(ctx, conv.CampaignID, scope)
		},
		targetControl: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			ctl, err := controls.Get(ctx, c.Param("id"))
			if err != nil {
				return false, err
			}
			if ctl.IsCTAI() { // a CTAI-funded association's: its CTAI's department and region
				r, err := ctaiRequests.Get(ctx, ctl.CTAIRequestID)
				if err != nil {
					return false, err
				}
				return ctaiInside(scope, r), nil
			}
			conv, err := conventions.Get(ctx, ctl.ConventionID)
			if err != nil {
				return false, err
			}
			return campaignInside(ctx, conv.CampaignID, scope)
		},
		targetRegion: func(_ context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			return regionInside(scope, c.Param("region")), nil
		},
		targetPNEStructure: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			year, err1 := strconv.Atoi(c.Param("year"))
			id, err2 := strconv.ParseUint(c.Param("id"), 10, 64)
			if err1 != nil || err2 != nil {
				return false, store.ErrNotFound
			}
			row, err := structures.Get(ctx, year, id)
			if err != nil {
				return false, err
			}
			return structureInside(scope, row), nil
		},
		targetCTAI: func(ctx context.Context, c *gin.Context, scope store.Scope) (bool, error) {
			if strings.HasSuffix(c.Param("id"), ".xlsx") {
				return true, nil
			}
			r, err := ctaiRequests.Get(ctx, c.Param("id"))
			if err != nil {
				return false, err
			}
			return scope.Covers(models.LevelDepartmental, r.Territory), nil
		},
	}
}

// regionInside: the region's correspondent and DIAN reach a region, and so does the
// correspondent of one of its departments (whose views are narrowed to it).
func regionInside(scope store.Scope, region string) bool {
	if scope.Covers(models.LevelRegional, region) {
		return true
	}
	for _, d := range scope.Departments {
		if dep, ok := territory.LookupDepartment(d); ok && dep.RegionCode == region {
			return true
		}
	}
	return false
}

// structureInside: a region's correspondent reaches its region's structures, a department's its own.
func structureInside(scope store.Scope, row *models.PNEStructure) bool {
	return scope.CoversPlace(row.Region, row.Department)
}

// Answers of authenticate, in French; each is a 401 with WWW-Authenticate.
var unauthorized = map[error]string{
	auth.ErrMissingToken: "Authentification requise : envoyez « Authorization: Bearer <jeton> » (jeton créé par « aap token create »).",
	auth.ErrUnknownToken: "Jeton inconnu : vérifiez qu'il est recopié en entier.",
	auth.ErrRevokedToken: "Ce jeton a été révoqué : demandez-en un nouveau.",
	auth.ErrExpiredToken: "Ce jeton a expiré : demandez-en un nouveau.",
}

// authenticate reads the bearer token, limits its rate, and puts the principal
// (and the audit trail's actor) in the request's context.
func authenticate(tokens *store.Tokens, limiter *auth.RateLimiter, now func() time.Time) gin.HandlerFunc {
	return func(c *gin.Context) {
		header := c.GetHeader("Authorization")
		secret, found := strings.CutPrefix(header, "Bearer ")
		if !found && header != "" {
			secret = "-" // a scheme other than Bearer: unknown, not missing
		}
		p, err := auth.Authenticate(c.Request.Context(), tokens, strings.TrimSpace(secret), now())
		if msg, ok := unauthorized[err]; ok {
			c.Header("WWW-Authenticate", `Bearer realm="aap"`)
			respondError(c, &Problem{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg})
			return
		}
		if err != nil {
			respondError(c, err)
			return
		}
		if ok, wait := limiter.Allow(p.TokenID, now()); !ok {
			secs := max(int(math.Ceil(wait.Seconds())), 1)
			c.Header("Retry-After", strconv.Itoa(secs))
			respondError(c, &Problem{Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message: fmt.Sprintf("Trop de requêtes avec ce jeton : réessayez dans %d s.", secs)})
			return
		}
		c.Set(principalKey, p)
		ctx := auth.WithPrincipal(c.Request.Context(), p)
		ctx = store.WithActor(ctx, p.Actor(c.GetString(requestIDKey)))
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// dianOnlyRoute answers 403 to every caller but DIAN, on a route outside
// /api/v1 (routeRules covers /api/v1 only): /metrics.
func dianOnlyRoute(c *gin.Context) {
	if !principal(c).IsDIAN() {
		respondError(c, errForbidden)
		return
	}
	c.Next()
}
