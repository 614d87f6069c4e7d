package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

func TestPNEStructuresXLSXFlagsWhatToFix(t *testing.T) {
	e := newEnv(t)
	e.seedPNE(t)
	rec := e.get(t, "/api/v1/pne/2027/structures.xlsx")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Header().Get("Content-Disposition"), `filename="pne-2027-structures.xlsx"`)
	rows, err := workbook.Read(rec.Body.Bytes(), workbook.PNEStructuresSheet)
	require.NoError(t, err)
	require.Len(t, rows, 5, "header and the four structures of 2027")
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[1]] = r
	}
	assert.Equal(t, "2", byName["Accueil Rhône"][2])
	assert.Equal(t, "pne@accueil.example", byName["Accueil Rhône"][3])
	assert.Len(t, byName["Accueil Rhône"], 6, "nothing to fix: no flag")
	assert.Equal(t, "adresse manquante", byName["Lire ensemble"][6])
	assert.Equal(t, "adresse partagée", byName["Partage A"][6])
	assert.Equal(t, "adresse partagée", byName["Partage B"][6])
	fix, err := workbook.Read(rec.Body.Bytes(), workbook.PNEProblemsSheet)
	require.NoError(t, err)
	assert.Len(t, fix, 4)
	requireProblem(t, e.get(t, "/api/v1/pne/next/structures.xlsx"), http.StatusNotFound, "not_found")
}

func (e *testEnv) patchEmail(t *testing.T, year int, id uint64, email string) *httptest.ResponseRecorder {
	t.Helper()
	raw, _ := json.Marshal(map[string]string{"email": email})
	return e.do(t, http.MethodPatch, fmt.Sprintf("/api/v1/pne/%d/structures/%d", year, id), raw)
}

func TestPNECorrectEmailBeforeTheInvitations(t *testing.T) {
	e := newEnv(t) // 29 November 2026: the 2027 invitations leave on 31 March 2027
	rows := e.seedPNE(t)
	rec := e.patchEmail(t, 2027, rows[1].ID, "contact@lire-ensemble.example")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "contact@lire-ensemble.example", decodeObject(t, rec)["email"])

	requireFields(t, e.patchEmail(t, 2027, rows[3].ID, "PNE@accueil.example"), fieldRule{"email", "unique"})
	requireFields(t, e.patchEmail(t, 2027, rows[3].ID, "pas une adresse"), fieldRule{"email", "email"})
	requireProblem(t, e.patchEmail(t, 2027, 9999, "x@example.org"), http.StatusNotFound, "not_found")
	require.Equal(t, http.StatusOK, e.patchEmail(t, 2027, rows[3].ID, "b@partage.example").Code)

	list := e.get(t, "/api/v1/pne/2027/structures")
	assert.NotContains(t, list.Body.String(), "email_missing", "fixed")
	assert.NotContains(t, list.Body.String(), "email_duplicate", "fixed")
}

func TestPNECorrectEmailRefusedOnceTheInvitationsLeft(t *testing.T) {
	sendAt := time.Date(2027, 3, 31, 9, 0, 0, 0, french.Paris)
	before := newEnv(t, withNow(sendAt.Add(-time.Minute)))
	rows := before.seedPNE(t)
	require.Equal(t, http.StatusOK, before.patchEmail(t, 2027, rows[1].ID, "a@lire.example").Code, "a minute before")

	after := newEnv(t, withNow(sendAt))
	rows = after.seedPNE(t)
	p := requireProblem(t, after.patchEmail(t, 2027, rows[1].ID, "a@lire.example"), http.StatusConflict, "pne_invitations_sent")
	assert.Contains(t, p.Message, "31 mars 2027 à 9 h 00")

	// A workflow started late sends the invitations later: the outbox tells too.
	early := newEnv(t)
	rows = early.seedPNE(t)
	require.NoError(t, early.db.Create(&models.Email{Key: "aap/pne/2027/pne-invitation/structure-1", Purpose: "pne_invitation",
		Recipient: "pne@accueil.example", State: models.EmailSent}).Error)
	p = requireProblem(t, early.patchEmail(t, 2027, rows[1].ID, "a@lire.example"), http.StatusConflict, "pne_invitations_sent")
	assert.True(t, strings.Contains(p.Message, "déjà"))
	var stored models.PNEStructure
	require.NoError(t, early.db.Where("id = ?", rows[1].ID).Take(&stored).Error)
	assert.Empty(t, stored.Email, "nothing changed")
}

func TestPNECorrectEmailInsideTheCorrespondentsTerritory(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	// The README's table: a department's correspondent corrects its structures' addresses, a region's does not, even its own.
	aura := e.asCorrespondent(t, "84", models.LevelRegional)
	requireProblem(t, aura.patchEmail(t, 2027, rows[1].ID, "a@lire.example"), http.StatusForbidden, "forbidden")
	isere := e.asCorrespondent(t, "38", models.LevelDepartmental)
	requireProblem(t, isere.patchEmail(t, 2027, rows[1].ID, "a@lire.example"), http.StatusNotFound, "not_found")
	rhone := e.asCorrespondent(t, "69", models.LevelDepartmental)
	require.Equal(t, http.StatusOK, rhone.patchEmail(t, 2027, rows[1].ID, "a@lire.example").Code)
	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND action = ?", "pne_structure", "email_corrected").Find(&audit).Error)
	require.Len(t, audit, 1)
	assert.Contains(t, audit[0].After, "a@lire.example")

	rec := rhone.get(t, "/api/v1/pne/2027/structures.xlsx")
	require.Equal(t, http.StatusOK, rec.Code)
	list, err := workbook.Read(rec.Body.Bytes(), workbook.PNEStructuresSheet)
	require.NoError(t, err)
	assert.Len(t, list, 3, "the Rhône's two structures only")
}
