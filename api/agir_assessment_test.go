package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// §8.2: the correspondent assesses the redundancy with AGIR at instruction; the assessment
// wins over the applicant's box, is audited, and closes once the dossier is decided.
func TestCorrespondentAssessesTheRedundancyWithAGIR(t *testing.T) {
	e := newEnv(t)
	app := e.seedDeposited(t) // the applicant did not tick « redondant avec AGIR »
	path := "/api/v1/applications/" + app.ID + "/agir-assessment"

	// Bad input: a French 422 naming the field and the rule, nothing recorded.
	rec := e.do(t, http.MethodPost, path, []byte(`{"note": "ok"}`))
	requireFields(t, rec, fieldRule{"redundant", "required"}, fieldRule{"note", "min_length"})
	var stored models.Application
	require.NoError(t, e.db.Where("id = ?", app.ID).Take(&stored).Error)
	assert.Empty(t, stored.AGIRAssessment, "a refused assessment records nothing")

	rec = e.do(t, http.MethodPost, path, []byte(`{"redundant": true, "note": "Accompagnement global des BPI de moins de deux ans, le cœur d'AGIR."}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, "redondant", got["agir_assessment"])
	assert.Equal(t, false, got["agir_redundant"], "the applicant's own box is kept as declared")
	assert.Equal(t, true, got["redundant_with_agir"], "the correspondent's assessment is what counts")
	require.NoError(t, e.db.Where("id = ?", app.ID).Take(&stored).Error)
	assert.True(t, stored.RedundantWithAGIR())
	assert.NotEmpty(t, stored.AGIRAssessedBy)
	var n int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("entity_id = ? AND action = ?", app.ID, "agir_assessed").Count(&n).Error)
	assert.EqualValues(t, 1, n, "audited")

	// Reassessed complementary, then closed once decided.
	rec = e.do(t, http.MethodPost, path, []byte(`{"redundant": false, "note": "Ateliers de français complémentaires, sur orientation de l'opérateur AGIR."}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, false, decodeObject(t, rec)["redundant_with_agir"])
	require.NoError(t, e.db.Model(&stored).Updates(map[string]any{"decision": "retenu"}).Error)
	rec = e.do(t, http.MethodPost, path, []byte(`{"redundant": true, "note": "Trop tard pour changer d'avis."}`))
	requireProblem(t, rec, http.StatusConflict, "agir_assessment_closed")
}
