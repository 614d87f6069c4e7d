package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// TestConventionShowsTheReportDueTheRemindersUse: GET /api/v1/conventions/{id}
// shows the compte-rendu financier's due date the reminders count from, under the
// demo policy (the signature + 3 minutes, here past Paris midnight) and under 2024.
func TestConventionShowsTheReportDueTheRemindersUse(t *testing.T) {
	demo, ok := newEnv(t).policies.Demo()
	require.True(t, ok)
	y2024, err := newEnv(t).policies.ForYear(2024)
	require.NoError(t, err)
	signed := time.Date(2027, 6, 12, 23, 58, 0, 0, french.Paris).UTC()
	for _, tc := range []struct {
		name    string
		pol     policy.Policy
		wantDue string
	}{
		{"demo", demo, "2027-06-13"},
		{"2024", y2024, "2028-06-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			app, conv := e.seedReportConvention(t, models.ConventionSigned)
			c, err := e.campaigns.Get(t.Context(), conv.CampaignID)
			require.NoError(t, err)
			c.PolicyName, c.Policy = tc.pol.Name, tc.pol
			require.NoError(t, e.db.Save(c).Error)
			require.NoError(t, e.db.Model(conv).Update("signed_at", signed).Error)
			conv.SignedAt = &signed

			rec := e.get(t, "/api/v1/conventions/"+conv.ID)

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			got := decodeObject(t, rec)["financial_report_due"]
			assert.Equal(t, tc.wantDue, got)
			reminders := convention.ExpectedReport(app, c, conv).DueAt.In(french.Paris).Format("2006-01-02")
			assert.Equal(t, reminders, got, "the API and the reminders give one date")
		})
	}
}
