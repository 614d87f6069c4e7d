package api_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

func TestGetCampaignLiveStateFromTheWorkflow(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	created := e.createCampaign(t, validBody().json(t))
	id, workflowID := created["id"].(string), created["workflow_id"].(string)
	publishedAt := time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)
	e.answerStateQuery(t, workflowID, workflows.CampaignState{Phase: models.PhasePublished,
		PublishedAt: &publishedAt, NotificationFailed: true})

	rec := e.get(t, "/api/v1/campaigns/"+id+"?live=1")

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, "published", got["state"], "the workflow's phase, not the database's (scheduled)")
	assert.Equal(t, "workflow", got["state_source"])
	assert.NotContains(t, got, "state_recorded_at", "a live state is the workflow's, not a record")
	assert.Equal(t, true, got["notification_failed"])
	assert.Equal(t, id, got["id"])
	assert.Equal(t, workflowID, got["workflow_id"])
	assert.Equal(t, "12500.50", got["budget_eur"])
	assert.Equal(t, "Rhône (69)", got["territory_label"])
	e.temporal.AssertNumberOfCalls(t, "QueryWorkflow", 1)
}

func TestGetCampaignFallsBackToTheDatabase(t *testing.T) {
	for name, answer := range map[string]func(e *testEnv, workflowID string){
		"query error": func(e *testEnv, workflowID string) {
			e.temporal.On("QueryWorkflow", mock.Anything, workflowID, "", workflows.QueryCampaignState).
				Return(nil, errors.New("deadline exceeded")).Once()
		},
		"undecodable answer": func(e *testEnv, workflowID string) {
			e.temporal.On("QueryWorkflow", mock.Anything, workflowID, "", workflows.QueryCampaignState).
				Return(undecodable{}, nil).Once()
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
			answer(e, c.WorkflowID)

			rec := e.get(t, "/api/v1/campaigns/"+c.ID+"?live=true")

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			got := decodeObject(t, rec)
			assert.Equal(t, "published", got["state"], "the phase last recorded in the database")
			assert.Equal(t, "database", got["state_source"])
			assert.NotContains(t, got, "notification_failed")
			e.temporal.AssertNumberOfCalls(t, "QueryWorkflow", 1)
		})
	}
}

func TestGetCampaignNotFound(t *testing.T) {
	e := newEnv(t)
	e.seedCampaign(t, seed{year: 2027, territory: "69"})
	for name, id := range map[string]string{
		"unknown UUID": uuid.NewString(),
		"not a UUID":   "rhone-2027",
		"SQL-looking":  "1' OR '1'='1",
		"nil UUID":     uuid.Nil.String(),
	} {
		t.Run(name, func(t *testing.T) {
			rec := e.get(t, "/api/v1/campaigns/"+urlPathEscape(id))
			requireProblem(t, rec, http.StatusNotFound, "not_found")
		})
	}
	e.temporal.AssertNumberOfCalls(t, "QueryWorkflow", 0)
}

func TestListCampaignsFilters(t *testing.T) {
	e := newEnv(t)
	at := func(h int) time.Time { return fixedNow.Add(time.Duration(h) * time.Hour) }
	// Listed newest first: e5, e4, c3, b2, a1.
	a1 := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseScheduled, createdAt: at(1)})
	b2 := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: at(2)})
	c3 := e.seedCampaign(t, seed{year: 2027, level: models.LevelRegional, territory: "84", phase: models.PhaseScheduled, createdAt: at(3)})
	d4 := e.seedCampaign(t, seed{year: 2026, territory: "69", phase: models.PhaseClosed, createdAt: at(4)})
	e5 := e.seedCampaign(t, seed{year: 2026, territory: "2A", phase: models.PhasePublished, createdAt: at(5)})

	for _, tc := range []struct {
		query     string
		want      []string
		total     int64
		page      int
		pageSize  int
		wantState string // state of every item, when the filter fixes it
	}{
		{"", ids(e5, d4, c3, b2, a1), 5, 1, 50, ""},
		{"?year=2027", ids(c3, b2, a1), 3, 1, 50, ""},
		{"?year=2025", nil, 0, 1, 50, ""},
		{"?territory=69", ids(d4, b2, a1), 3, 1, 50, ""},
		{"?territory=2A", ids(e5), 1, 1, 50, ""},
		{"?territory=84", ids(c3), 1, 1, 50, ""},
		{"?state=published", ids(e5, b2), 2, 1, 50, "published"},
		{"?state=closed", ids(d4), 1, 1, 50, "closed"},
		{"?year=2027&territory=69&state=published", ids(b2), 1, 1, 50, "published"},
		{"?page_size=2", ids(e5, d4), 5, 1, 2, ""},
		{"?page=2&page_size=2", ids(c3, b2), 5, 2, 2, ""},
		{"?page=3&page_size=2", ids(a1), 5, 3, 2, ""},
		{"?page=4&page_size=2", nil, 5, 4, 2, ""},
		{"?page_size=200", ids(e5, d4, c3, b2, a1), 5, 1, 200, ""},
		{"?page=1&page_size=1&year=2026", ids(e5), 2, 1, 1, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			page := e.list(t, tc.query)
			var got []string
			for _, item := range page.Items {
				got = append(got, item.ID)
				if tc.wantState != "" {
					assert.Equal(t, tc.wantState, item.State)
				}
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.total, page.Total)
			assert.Equal(t, tc.page, page.Page)
			assert.Equal(t, tc.pageSize, page.PageSize)
		})
	}
	assert.Empty(t, e.temporal.Calls, "a list reads the database only, never Temporal")
}

func TestListCampaignsShowsTheRecordedFields(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, level: models.LevelRegional, territory: "84", phase: models.PhaseClosed})

	rec := e.get(t, "/api/v1/campaigns")

	require.Equal(t, http.StatusOK, rec.Code)
	got := decodeObject(t, rec)
	items, _ := got["items"].([]any)
	require.Len(t, items, 1)
	item := items[0].(map[string]any)
	assert.Equal(t, c.ID, item["id"])
	assert.Equal(t, "closed", item["state"])
	assert.Equal(t, "database", item["state_source"])
	assert.Equal(t, "10000.00", item["budget_eur"])
	assert.Equal(t, "Auvergne-Rhône-Alpes (région 84)", item["territory_label"])
}

func TestListCampaignsEmpty(t *testing.T) {
	e := newEnv(t)

	rec := e.get(t, "/api/v1/campaigns")

	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"items": [], "total": 0, "page": 1, "page_size": 50}`, rec.Body.String(),
		"an empty list is [], not null")
}

func TestListCampaignsBadFilters(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		query string
		want  []fieldRule
	}{
		{"?year=abc", []fieldRule{{"year", "positive_integer"}}},
		{"?year=0", []fieldRule{{"year", "positive_integer"}}},
		{"?year=-2027", []fieldRule{{"year", "positive_integer"}}},
		{"?state=foo", []fieldRule{{"state", "enum"}}},
		{"?state=Published", []fieldRule{{"state", "enum"}}},
		{"?territory=99x", []fieldRule{{"territory", "territory"}}},
		{"?territory=20", []fieldRule{{"territory", "territory"}}},
		{"?page_size=500", []fieldRule{{"page_size", "max"}}},
		{"?page_size=201", []fieldRule{{"page_size", "max"}}},
		{"?page_size=0", []fieldRule{{"page_size", "positive_integer"}}},
		{"?page=0", []fieldRule{{"page", "positive_integer"}}},
		{"?page=two", []fieldRule{{"page", "positive_integer"}}},
		{"?year=abc&state=foo&territory=99x&page_size=500",
			[]fieldRule{{"year", "positive_integer"}, {"state", "enum"}, {"territory", "territory"}, {"page_size", "max"}}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			requireFields(t, e.get(t, "/api/v1/campaigns"+tc.query), tc.want...)
		})
	}
}

func ids(cs ...*models.Campaign) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
