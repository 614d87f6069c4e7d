package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"

	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

const (
	bigCall  = 10_000 // dossiers of the call
	bigFiled = 3      // of which filed through the API, each with its workflow
	// bigRetained dossiers are retained, 2,500 € each but the first filed one, which takes
	// the envelope's last 50 cents: the selection totals the envelope exactly.
	bigRetained  = 100
	bigGrantEUR  = 2500
	bigEnvelope  = 25_000_050 // cents: campaignBody's 250,000.50 €
	bigAsksCents = bigGrantEUR * 100
	// maxSelectionEvents bounds what the selection puts in the campaign workflow's history
	// (the Update accepted and completed, the recording activity scheduled and completed),
	// whatever the call's size: the bound of activities' TestRecordSelectionOfTenThousandDossiers.
	maxSelectionEvents = 64 << 10
)

// A call of 10,000 dossiers is selected in one go through the running engine: the embedded
// Temporal server, the worker, the API. Refused one cent over the envelope (nothing recorded,
// the call still closed), recorded at it: every decision in the database, the call selected,
// and the campaign workflow's history holds a few kilobytes for it, read from the server.
//
// A handful of dossiers are filed through the API; the rest are written in the database as a
// filing leaves them after the closure (its start intent cleared), without their workflows:
// starting 10,000 dossier workflows would take CI minutes, and the selection reads only the
// database. The dispatch that follows signals each decided dossier; one whose workflow is not
// running (here, those written directly; in production, one withdrawn) is passed over with a
// warning, the others get their decision: the filed ones do, and the dispatch completes.
func TestACallOfTenThousandDossiersIsSelectedThroughTheEngine(t *testing.T) {
	started := time.Now()
	// Errors only: the dispatch warns once for each of the 9,997 dossiers without a workflow.
	d := startDevLogging(t, t.TempDir(), slog.LevelError)
	defer d.Stop()
	body := campaignBody(0, 6*time.Second)
	status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body)
	require.Equal(t, http.StatusCreated, status, "%v", created)
	campaignID, workflowID := created["id"].(string), created["workflow_id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)
	var filed []string
	for i := range bigFiled {
		status, f := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/applications",
			applicationBody(fmt.Sprintf("Ateliers sociolinguistiques %d", i)))
		require.Equal(t, http.StatusCreated, status, "%v", f)
		filed = append(filed, f["id"].(string))
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)
	ids := append(filed, writeDossiers(t, d, campaignID, workflowID, body["year"].(int))...)
	require.Len(t, ids, bigCall)
	t.Logf("%d dossiers in a closed call after %s", bigCall, time.Since(started).Round(time.Millisecond))

	// One cent over the envelope: the French 422 naming the rule, and nothing changes.
	selectionURL := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/selection"
	status, problem := do(t, http.MethodPost, selectionURL, bigSelection(ids, 1))
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	require.Equal(t, "selection_refused", problem["error"].(map[string]any)["code"])
	fields := problem["error"].(map[string]any)["fields"].([]any)
	require.Len(t, fields, 1, "%v", fields)
	require.Equal(t, "envelope", fields[0].(map[string]any)["rule"])
	require.Contains(t, fields[0].(map[string]any)["message"],
		"le total accordé (250\u00a0000,51\u00a0€) dépasse l'enveloppe de l'appel (250\u00a0000,50\u00a0€)")
	require.Equal(t, "closed", campaignState(t, d, campaignID))
	require.Zero(t, decided(t, d, campaignID))

	// At the envelope: recorded, every dossier decided, the call selected.
	selecting := time.Now()
	status, recorded := do(t, http.MethodPost, selectionURL, bigSelection(ids, 0))
	require.Equal(t, http.StatusOK, status, "%v", recorded)
	t.Logf("selection of %d dossiers recorded in %s", bigCall, time.Since(selecting).Round(time.Millisecond))
	totals := recorded["totals"].(map[string]any)
	assert.EqualValues(t, bigEnvelope, totals["granted_cents"])
	assert.EqualValues(t, bigRetained, totals["retained_count"])
	assert.EqualValues(t, bigCall-bigRetained, totals["not_retained_count"])
	require.EqualValues(t, bigCall, decided(t, d, campaignID))
	var granted int64
	require.NoError(t, d.DB.Model(&models.Application{}).Where("campaign_id = ?", campaignID).
		Select("COALESCE(SUM(granted_cents), 0)").Scan(&granted).Error)
	require.EqualValues(t, bigEnvelope, granted)
	require.Equal(t, "selected", campaignState(t, d, campaignID))

	// The filed dossiers' workflows get their decision; the dispatch passes over the rest and completes.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for _, id := range filed {
			_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+id, nil)
			assert.Equal(c, models.ApplicationRetained, a["state"], id)
		}
	}, 60*time.Second, 250*time.Millisecond)
	var events []*historypb.HistoryEvent
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		events = workflowHistory(t, d, workflowID)
		assert.True(c, activityCompleted(events, "DispatchDecisions"), "the dispatch completes")
	}, 3*time.Minute, time.Second)

	// What the history holds for the selection, read from the server.
	selectionEvents, size := 0, 0
	for _, e := range events {
		switch {
		case e.GetWorkflowExecutionUpdateAcceptedEventAttributes() != nil,
			e.GetWorkflowExecutionUpdateCompletedEventAttributes() != nil,
			e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == "RecordSelection",
			isCompletionOf(events, e, "RecordSelection"):
			selectionEvents++
			size += proto.Size(e)
		}
	}
	require.Equal(t, 4, selectionEvents, "one Update, accepted and completed, and its activity, scheduled and completed: the refused selection left no trace")
	assert.Less(t, size, maxSelectionEvents, "the selection's events for %d dossiers", bigCall)
	t.Logf("selection's events: %d bytes; whole test %s", size, time.Since(started).Round(time.Millisecond))
}

// writeDossiers writes the call's other dossiers in the database, as their filing and the
// closure leave them (under review, start intent cleared, the engine's workflow IDs and the
// references that follow the filed ones), and returns their IDs in filing order.
func writeDossiers(t *testing.T, d *engine.Dev, campaignID, workflowID string, year int) []string {
	t.Helper()
	rows := make([]models.Application, bigCall-bigFiled)
	ids := make([]string, len(rows))
	scope := models.ReferenceScope(year, models.LevelDepartmental, "69")
	for i := range rows {
		id := uuid.NewString()
		ids[i] = id
		rows[i] = models.Application{ID: id, CampaignID: campaignID, WorkflowID: workflows.ApplicationWorkflowID(workflowID, id),
			Year: year, Reference: models.DossierReference(scope, bigFiled+1+i), AssociationKey: fmt.Sprintf("siren:%09d", 100_000_000+i),
			AssociationName: fmt.Sprintf("Association %d", i), AssociationEmail: fmt.Sprintf("contact-%d@association.example.org", i),
			CERSigned: true, Title: fmt.Sprintf("Cours de français %d", i), TitleKey: fmt.Sprintf("cours de français %d", i),
			Theme: "langue", RequestedCents: bigAsksCents, TotalBudgetCents: 2 * bigAsksCents, BeneficiariesBPI: 5, BeneficiariesNonBPI: 10,
			State: models.ApplicationUnderReview}
	}
	require.NoError(t, d.DB.CreateInBatches(rows, 500).Error)
	return ids
}

// bigSelection decides every dossier: the first bigRetained retained (the envelope to the
// cent, plus overCents on the first), the others not, with the signed decision's reference.
func bigSelection(ids []string, overCents int) map[string]any {
	decisions := make([]map[string]any, len(ids))
	for i, id := range ids {
		decisions[i] = map[string]any{"application_id": id, "decision": "non_retenu", "score": 40,
			"reason": "Projet moins prioritaire que les dossiers retenus."}
		if i < bigRetained {
			decisions[i] = map[string]any{"application_id": id, "decision": "retenu", "granted_eur": bigGrantEUR, "score": 80}
		}
	}
	decisions[0]["granted_eur"] = float64(bigGrantEUR) + float64(50+overCents)/100
	return map[string]any{"decisions": decisions, "decision_reference": "Arrêté préfectoral n° 69-2027-06-12-004"}
}

// decided counts the call's dossiers with a recorded decision.
func decided(t *testing.T, d *engine.Dev, campaignID string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, d.DB.Model(&models.Application{}).Where("campaign_id = ? AND decision <> ''", campaignID).Count(&n).Error)
	return n
}

// workflowHistory reads the workflow's whole history from the Temporal server.
func workflowHistory(t *testing.T, d *engine.Dev, workflowID string) []*historypb.HistoryEvent {
	t.Helper()
	it := d.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		events = append(events, e)
	}
	return events
}

// isCompletionOf: e completes an activity of that type scheduled in events.
func isCompletionOf(events []*historypb.HistoryEvent, e *historypb.HistoryEvent, activityType string) bool {
	done := e.GetActivityTaskCompletedEventAttributes()
	if done == nil {
		return false
	}
	for _, s := range events {
		if s.GetEventId() == done.GetScheduledEventId() {
			return s.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == activityType
		}
	}
	return false
}

// activityCompleted: an activity of that type completed in events.
func activityCompleted(events []*historypb.HistoryEvent, activityType string) bool {
	for _, e := range events {
		if isCompletionOf(events, e, activityType) {
			return true
		}
	}
	return false
}
