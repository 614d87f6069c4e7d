package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// AGIRAssessmentRequest is the body of POST /api/v1/applications/{id}/agir-assessment.
//
// §8.2: « ne pas renouveler à compter de 2024 les financements jusqu'ici consacrés aux
// programmes d'accompagnement global redondants avec le programme AGIR (à la fois sur les
// publics éligibles, le contenu et sur les objectifs poursuivis) » and §2.2.2: the P104 funds
// the complementary programmes « sous réserve d'une analyse fine de ces complémentarités ».
// The analysis is the State's: the correspondent assesses the redundancy at instruction, and
// the assessment, not only the applicant's own box, is what the selection judges.
type AGIRAssessmentRequest struct {
	Redundant *bool  `json:"redundant"`
	Note      string `json:"note"`
}

type agirAssessmentHandlers struct {
	applications *store.Applications
	now          func() time.Time
}

// assess answers POST /api/v1/applications/{id}/agir-assessment.
func (h agirAssessmentHandlers) assess(c *gin.Context) {
	var req AGIRAssessmentRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	v := &validation{}
	if req.Redundant == nil {
		v.add("redundant", "required", "indiquez si l'action est redondante avec AGIR (true) ou complémentaire (false)")
	}
	note := strings.TrimSpace(req.Note)
	checkText(v, "note", note, 5, 2000)
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	assessment := models.AGIRComplementaryAssessment
	if *req.Redundant {
		assessment = models.AGIRRedundantAssessment
	}
	app, err := h.applications.AssessAGIR(c.Request.Context(), c.Param("id"),
		store.AGIRAssessment{Assessment: assessment, Note: note, At: h.now()})
	switch {
	case errors.Is(err, store.ErrConflict):
		respondError(c, &Problem{Status: http.StatusConflict, Code: "agir_assessment_closed",
			Message: "Le dossier est déjà décidé (ou l'appel annulé) : la redondance avec AGIR s'apprécie à l'instruction, avant la sélection."})
	case err != nil:
		respondError(c, storeError(err))
	default:
		c.JSON(http.StatusOK, gin.H{"id": app.ID, "agir_redundant": app.AGIRRedundant, "agir_assessment": app.AGIRAssessment,
			"agir_assessment_note": app.AGIRAssessmentNote, "agir_assessed_by": app.AGIRAssessedBy, "agir_assessed_at": app.AGIRAssessedAt,
			"redundant_with_agir": app.RedundantWithAGIR()})
	}
}
