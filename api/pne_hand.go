package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// PNEStructureRequest is the body of POST /api/v1/pne/{year}/structures: a
// structure added by hand to the year's list (§8.4: « la liste des structures
// ayant bénéficié des crédits », one the calls and the CTAI bilans do not show).
type PNEStructureRequest struct {
	SIRET string `json:"siret"`
	RNA   string `json:"rna"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// Department is where the structure's funded actions took place: its correspondent follows it.
	Department string `json:"department"`
	// FundedActions defaults to 1.
	FundedActions *int `json:"funded_actions"`
	// Reason says why the structure is on the list although nothing the engine
	// recorded funded it (at least pneReasonMin characters).
	Reason string `json:"reason"`
}

// The bounds of a hand addition's fields.
const (
	pneReasonMin, pneReasonMax = 5, 1000
	pneFundedActionsMax        = 1000
)

// validate checks the request's fields (trimmed) and returns the addition.
func (r *PNEStructureRequest) validate() (store.PNEHandAddition, []FieldError) {
	add := store.PNEHandAddition{SIRET: strings.TrimSpace(r.SIRET), RNA: strings.ToUpper(strings.TrimSpace(r.RNA)),
		Name: strings.TrimSpace(r.Name), Email: strings.TrimSpace(r.Email), Department: strings.ToUpper(strings.TrimSpace(r.Department)),
		FundedActions: 1, Reason: strings.TrimSpace(r.Reason)}
	v := &validation{}
	ids := &validation{}
	checkAssociationID(ids, add.SIRET, add.RNA)
	for _, e := range ids.errs { // this body's fields are siret and rna
		e.Field = strings.TrimPrefix(e.Field, "association.")
		v.errs = append(v.errs, e)
	}
	checkText(v, "name", add.Name, 2, 300)
	checkEmail(v, "email", add.Email)
	if add.Department == "" {
		v.add("department", "required", "indiquez le département des actions financées de la structure")
	} else if _, ok := territory.LookupDepartment(add.Department); !ok {
		v.add("department", "unknown", "département inconnu : code INSEE attendu (ex. 69, 2A, 971)")
	}
	if r.FundedActions != nil {
		add.FundedActions = *r.FundedActions
		if add.FundedActions < 1 || add.FundedActions > pneFundedActionsMax {
			v.add("funded_actions", "range", "nombre d'actions financées entre 1 et %d", pneFundedActionsMax)
		}
	}
	if add.Reason == "" {
		v.add("reason", "required", "motif obligatoire : dites pourquoi la structure a bénéficié des crédits sans figurer sur la liste")
	} else {
		checkText(v, "reason", add.Reason, pneReasonMin, pneReasonMax)
	}
	return add, v.errs
}

// errPNEStructureListed: the association is on the year's list already; one addition wins.
func errPNEStructureListed(year int, row *models.PNEStructure) *Problem {
	return &Problem{Status: http.StatusConflict, Code: "pne_structure_already_listed",
		Message: fmt.Sprintf("L'association est déjà sur la liste du questionnaire %s (structure n° %d, « %s ») : elle n'est pas ajoutée une seconde fois.",
			selection.PNEName(year), row.ID, row.AssociationName)}
}

// AddStructure adds a structure by hand to the year's PNE list (§8.4) with the
// reason, audited with the caller. The list is open to it until the invitations
// leave (the phases scheduled and listed of the year's PNE workflow); once sent
// (and closed) it is 409 pne_invitations_sent: the structure would never receive
// its questionnaire and would be recorded as having missed it. The same association
// twice: 409 pne_structure_already_listed (one wins). inside says whether the
// caller may manage the department; one outside is answered as unknown (404).
func (s *PNEService) AddStructure(ctx context.Context, year int, req *PNEStructureRequest, inside func(department string) bool) (*models.PNEStructure, error) {
	if _, err := s.Policies.ForYear(year); err != nil {
		return nil, errNotFound // a year without rules has no PNE
	}
	add, fieldErrs := req.validate()
	if fieldErrs != nil {
		return nil, ValidationProblem(fieldErrs)
	}
	if !inside(add.Department) {
		return nil, errNotFound
	}
	if err := s.checkListOpen(ctx, year, closedToAdditions); err != nil {
		return nil, err
	}
	if err := s.checkEmailUnique(ctx, year, add.Email, 0); err != nil {
		return nil, err
	}
	row, err := s.Structures.AddByHand(ctx, year, add)
	if errors.Is(err, store.ErrPNEStructureListed) && row != nil {
		return nil, errPNEStructureListed(year, row)
	}
	if err != nil {
		return nil, storeError(err)
	}
	return row, nil
}

// addStructure answers POST /api/v1/pne/{year}/structures.
func (h pneHandlers) addStructure(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req PNEStructureRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	row, err := h.svc.AddStructure(c.Request.Context(), year, &req, manageableDepartment(c))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, row)
}

// manageableDepartment says whether the caller manages a department's PNE structures.
func manageableDepartment(c *gin.Context) func(string) bool {
	scope := principal(c).ManageScope()
	return func(department string) bool { return scope.Covers(models.LevelDepartmental, department) }
}
