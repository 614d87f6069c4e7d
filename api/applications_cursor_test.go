package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// applicationPage is a page of GET /api/v1/campaigns/{id}/applications.
type applicationPage struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
	Total      *int64 `json:"total"`
	Page       *int   `json:"page"`
	PageSize   int    `json:"page_size"`
	NextCursor string `json:"next_cursor"`
}

func (e *testEnv) applicationPage(t *testing.T, path string) applicationPage {
	t.Helper()
	rec := e.get(t, path)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var p applicationPage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	return p
}

// Following next_cursor walks a call's dossiers in filing order, each once, though
// a dossier is filed during the walk; the last page carries no next_cursor. The
// page parameter still answers as before, with a next_cursor to switch to the cursor.
func TestListApplicationsByCursor(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
	var want []string
	for _, theme := range []string{"langue", "emploi", "sante", "culture", "sport"} {
		want = append(want, e.seedApplication(t, c, theme, 100_000).ID)
	}
	list := "/api/v1/campaigns/" + c.ID + "/applications?page_size=2"

	var walked []string
	p := e.applicationPage(t, list)
	require.NotNil(t, p.Page, "a page without cursor says its number")
	require.NotNil(t, p.Total, "and the total")
	assert.EqualValues(t, 5, *p.Total)
	for {
		for _, it := range p.Items {
			walked = append(walked, it.ID)
		}
		if p.NextCursor == "" {
			break
		}
		if len(walked) == 2 {
			want = append(want, e.seedApplication(t, c, "logement", 100_000).ID) // filed during the walk
		}
		p = e.applicationPage(t, list+"&cursor="+url.QueryEscape(p.NextCursor))
		assert.Nil(t, p.Page, "a page after a cursor has no number")
		assert.Nil(t, p.Total, "nor the total: the call is not counted again")
		assert.Equal(t, 2, p.PageSize)
	}
	assert.Equal(t, want, walked, "every dossier once, in filing order")

	byPage := e.applicationPage(t, list+"&page=2")
	require.Len(t, byPage.Items, 2)
	assert.Equal(t, want[2:4], []string{byPage.Items[0].ID, byPage.Items[1].ID})
	assert.Equal(t, 2, *byPage.Page)
	next := e.applicationPage(t, list+"&cursor="+url.QueryEscape(byPage.NextCursor))
	assert.Equal(t, want[4], next.Items[0].ID, "a page's next_cursor follows on from it")

	last := e.applicationPage(t, "/api/v1/campaigns/"+c.ID+"/applications?page_size=6")
	assert.Len(t, last.Items, 6)
	assert.Empty(t, last.NextCursor, "exactly a page: nothing follows")
	assert.Empty(t, e.temporal.Calls, "a list reads the database only, never Temporal")
}

// A cursor the API did not give, or one of another call, or given with page, is
// refused with a 400 naming cursor.
func TestListApplicationsRefusesABadCursor(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
	other := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
	mine := e.seedApplication(t, c, "langue", 100_000)
	theirs := e.seedApplication(t, other, "langue", 100_000)
	cursorOf := func(id string) string {
		u := uuid.MustParse(id)
		return base64.RawURLEncoding.EncodeToString(u[:])
	}
	list := "/api/v1/campaigns/" + c.ID + "/applications?cursor="
	for name, q := range map[string]string{
		"not base64":      "!!!",
		"too short":       "AAAA",
		"a raw UUID":      mine.ID,
		"padded":          cursorOf(mine.ID) + "==",
		"unknown dossier": cursorOf(uuid.NewString()),
		"another call's":  cursorOf(theirs.ID),
		"empty":           "",
		"given with page": cursorOf(mine.ID) + "&page=2",
	} {
		t.Run(name, func(t *testing.T) {
			p := requireProblem(t, e.get(t, list+q), http.StatusBadRequest, "invalid_cursor")
			require.Len(t, p.Fields, 1)
			assert.Equal(t, "cursor", p.Fields[0].Field)
			assert.Contains(t, p.Fields[0].Message, "cursor")
		})
	}
	ok := e.applicationPage(t, list+url.QueryEscape(cursorOf(mine.ID)))
	assert.Empty(t, ok.Items, "the call's own last dossier: an empty page, no error")
}
