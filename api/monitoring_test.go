package api_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

func TestOverviewNeedsAValidYear(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/monitoring/overview", "/api/v1/monitoring/overview?year=deux",
		"/api/v1/monitoring/dossiers.xlsx?year=99", "/api/v1/monitoring/conventions.xlsx"} {
		rec := e.get(t, path)
		require.Equal(t, http.StatusUnprocessableEntity, rec.Code, path)
		assert.Contains(t, rec.Body.String(), `"field":"year"`, path)
	}
}

// A call created through the API shows in the overview of its year, in its
// department and region, with its envelope; other years do not see it.
func TestOverviewCountsCallsCreatedThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	e.createCampaign(t, validBody().json(t))
	e.createCampaign(t, validBody().with("territory", "84").with("level", "regional").
		with("budget_eur", rawJSON("1000")).json(t))

	var ov struct {
		National struct{ Figures map[string]int64 }
		Regions  []struct {
			Code        string
			Figures     map[string]int64
			Departments []struct {
				Code    string
				Figures map[string]int64
			}
		}
	}
	rec := e.get(t, "/api/v1/monitoring/overview?year=2027")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &ov))
	assert.Equal(t, int64(2), ov.National.Figures["campaigns"])
	assert.Equal(t, int64(2), ov.National.Figures["campaigns_scheduled"])
	assert.Equal(t, int64(1_250_050+100_000), ov.National.Figures["envelope_cents"])
	require.Len(t, ov.Regions, 1)
	assert.Equal(t, "84", ov.Regions[0].Code)
	require.Len(t, ov.Regions[0].Departments, 1)
	assert.Equal(t, "69", ov.Regions[0].Departments[0].Code)
	assert.Equal(t, int64(1_250_050), ov.Regions[0].Departments[0].Figures["envelope_cents"])

	rec = e.get(t, "/api/v1/monitoring/overview?year=2026")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &ov))
	assert.Empty(t, ov.Regions)
}

// retainOne records a retained dossier with a signed convention in campaign id, as the activities do.
func (e *testEnv) retainOne(t *testing.T, campaignID string) {
	decided := time.Date(2027, 6, 12, 10, 0, 0, 0, time.UTC)
	a := &models.Application{ID: "a-1", CampaignID: campaignID, WorkflowID: "application-a-1", Year: 2027,
		AssociationKey: "rna:W691000001", TitleKey: "cours", Title: "Cours de français", AssociationName: "Asso Lyon",
		Theme: "langue", RequestedCents: 900_000, GrantedCents: 800_050, Decision: selection.Retained,
		State: models.ApplicationRetained, DecidedAt: &decided}
	require.NoError(t, e.db.Create(a).Error)
	v := &models.Convention{ID: "v-1", ApplicationID: a.ID, CampaignID: campaignID, Reference: "CONV-2027-69-0001",
		GrantedCents: a.GrantedCents, State: models.ConventionSigned, SignedAt: &decided}
	require.NoError(t, e.db.Create(v).Error)
}

func TestExportsReadBack(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.createCampaign(t, validBody().json(t))
	e.retainOne(t, c["id"].(string))

	rec := e.get(t, "/api/v1/monitoring/dossiers.xlsx?year=2027")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "attachment; filename=\"dossiers-retenus-2027.xlsx\"", rec.Header().Get("Content-Disposition"))
	rows, err := workbook.Read(rec.Body.Bytes(), "Dossiers retenus")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "Montant accordé (€)", rows[0][9])
	assert.Equal(t, []string{"AAP-2027-69-0001", "Auvergne-Rhône-Alpes", "Rhône"}, rows[1][:3], "the dossier's reference first")
	value, _, err := workbook.Value(rec.Body.Bytes(), "Dossiers retenus", "J2")
	require.NoError(t, err)
	assert.Equal(t, "8000.50", value, "euros as a number")
	value, _, err = workbook.Value(rec.Body.Bytes(), "Dossiers retenus", "K2")
	require.NoError(t, err)
	assert.Equal(t, "46550", value, "12 June 2027 as an Excel date serial")

	rec = e.get(t, "/api/v1/monitoring/conventions.xlsx?year=2027")
	require.Equal(t, http.StatusOK, rec.Code)
	rows, err = workbook.Read(rec.Body.Bytes(), "Conventions")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"CONV-2027-69-0001", "AAP-2027-69-0001"}, rows[1][:2], "the convention's reference, then its dossier's")
	assert.Equal(t, "signée", rows[1][8])

	rec = e.get(t, "/api/v1/monitoring/overview.xlsx?year=2027")
	require.Equal(t, http.StatusOK, rec.Code)
	rows, err = workbook.Read(rec.Body.Bytes(), "Vue nationale")
	require.NoError(t, err)
	require.Len(t, rows, 4, "header, national, region, department")
	assert.Equal(t, []string{"national", "FR", "France entière"}, rows[1][:3])
	value, _, err = workbook.Value(rec.Body.Bytes(), "Vue nationale", "J2")
	require.NoError(t, err)
	assert.Equal(t, "8000.50", value)
	value, _, err = workbook.Value(rec.Body.Bytes(), "Vue nationale", "L2")
	require.NoError(t, err)
	assert.Equal(t, "100.0", value, "all granted to language")

	rec = e.get(t, "/api/v1/monitoring/dossiers.xlsx?year=2026")
	require.Equal(t, http.StatusOK, rec.Code)
	rows, err = workbook.Read(rec.Body.Bytes(), "Dossiers retenus")
	require.NoError(t, err)
	assert.Len(t, rows, 1, "header only")
}

// historyIterator replays a recorded history file through the mocked client.
func historyIterator(t *testing.T, file string) *mocks.HistoryEventIterator {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	require.NoError(t, err)
	it := &mocks.HistoryEventIterator{}
	events := h.GetEvents()
	i := 0
	it.On("HasNext").Return(func() bool { return i < len(events) })
	it.On("Next").Return(func() *historypb.HistoryEvent { i++; return events[i-1] }, func() error { return nil })
	return it
}

func TestTimelineMergesTheHistoryAndTheDatabase(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.createCampaign(t, validBody().json(t))
	e.retainOne(t, c["id"].(string))
	// A history recorded from a real run of the campaign workflow (cmd/recordhistory, release 1.0).
	e.temporal.On("GetWorkflowHistory", mock.Anything, c["workflow_id"], "", false, mock.Anything).
		Return(historyIterator(t, "../workflows/testdata/histories/v1.0/campaign.json")).Once()

	rec := e.get(t, "/api/v1/campaigns/"+c["id"].(string)+"/timeline")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res struct {
		History bool
		Events  []struct {
			At                        time.Time
			Date, Kind, Label, Source string
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	assert.True(t, res.History)
	kinds := map[string]int{}
	for i, ev := range res.Events {
		kinds[ev.Kind]++
		if i > 0 {
			assert.False(t, ev.At.Before(res.Events[i-1].At), "in time order")
		}
	}
	assert.Equal(t, 1, kinds["workflow_started"])
	assert.Equal(t, 1, kinds["update"], "the selection is an update")
	assert.GreaterOrEqual(t, kinds["phase"], 3, "published, closed, selected")
	assert.Contains(t, rec.Body.String(), "L'appel passe à l'étape « publié ».")
	assert.Contains(t, rec.Body.String(), "Sélection du comité reçue.")
	for _, engine := range []string{"Workflow", "workflow de", "Commande acceptée", "Échéance atteinte."} {
		assert.NotContains(t, rec.Body.String(), engine, "the labels speak plain French")
	}
	assert.Equal(t, 1, kinds["dossier_filed"])
	assert.Equal(t, 1, kinds["convention_signed"])
	assert.Contains(t, rec.Body.String(), "Dossier retenu : « Cours de français », 8\u00a0000,50\u00a0€ accordés.")
	assert.Contains(t, rec.Body.String(), `"date":"12 juin 2027 à 12 h 00"`, "Paris time, in French")
}

func TestTimelineWithoutHistoryShowsTheDatabase(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.createCampaign(t, validBody().json(t))
	it := &mocks.HistoryEventIterator{}
	it.On("HasNext").Return(true)
	it.On("Next").Return(nil, errors.New("frontend unavailable"))
	e.temporal.On("GetWorkflowHistory", mock.Anything, mock.Anything, "", false, mock.Anything).Return(it).Once()
	rec := e.get(t, "/api/v1/campaigns/"+c["id"].(string)+"/timeline")
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, `"history":false`)
	assert.Contains(t, body, "momentanément illisible")
	assert.Contains(t, body, `"kind":"created"`)
	assert.False(t, strings.Contains(body, "frontend unavailable"), "internal errors stay in the logs")
}

func TestTimelineOfAnUnknownCall(t *testing.T) {
	e := newEnv(t)
	rec := e.get(t, "/api/v1/campaigns/00000000-0000-0000-0000-000000000000/timeline")
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func TestOnlyDIANReadsTheNationalView(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.createCampaign(t, validBody().json(t))
	rhone, marseille := e.asCorrespondent(t, "69", "departmental"), e.asCorrespondent(t, "13", "departmental")
	for _, path := range []string{"/api/v1/monitoring/overview?year=2027", "/api/v1/monitoring/dossiers.xlsx?year=2027"} {
		requireProblem(t, rhone.get(t, path), http.StatusForbidden, "forbidden")
		assert.Equal(t, http.StatusOK, e.get(t, path).Code, path)
	}
	requireProblem(t, e.anonymous().get(t, "/api/v1/monitoring/overview?year=2027"), http.StatusUnauthorized, "unauthorized")

	// A correspondent reads its own call's timeline, not another territory's.
	e.temporal.On("GetWorkflowHistory", mock.Anything, mock.Anything, "", false, mock.Anything).
		Return(historyIterator(t, "../workflows/testdata/histories/v1.0/campaign.json")).Once()
	assert.Equal(t, http.StatusOK, rhone.get(t, "/api/v1/campaigns/"+c["id"].(string)+"/timeline").Code)
	requireProblem(t, marseille.get(t, "/api/v1/campaigns/"+c["id"].(string)+"/timeline"), http.StatusNotFound, "not_found")
}
