package api_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dian-p104/aap/models"
)

// A selection's body may reach 16 MiB (the decisions of a call of thousands of dossiers), past
// the 1 MiB of the other bodies; one byte more is refused, and nothing is kept.
func TestSelectionBodyUpTo16MiB(t *testing.T) {
	const limit = 16 << 20
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed})
	decision := []byte(`{"decisions":[{"application_id":"inconnu","decision":"retenu","granted_eur":1,"score":50}]}`)
	padded := func(n int) []byte {
		return append(bytes.Clone(decision), bytes.Repeat([]byte(" "), n-len(decision))...)
	}
	path := "/api/v1/campaigns/" + c.ID + "/selection"

	rec := e.do(t, http.MethodPost, path, padded(limit))
	requireProblem(t, rec, http.StatusUnprocessableEntity, "selection_refused") // read whole, judged: no such dossier

	rec = e.do(t, http.MethodPost, path, padded(limit+1))
	requireProblem(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
	var drafts int64
	assert.NoError(t, e.db.Model(&models.SelectionDraft{}).Count(&drafts).Error)
	assert.Zero(t, drafts)
}
