package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func TestChangesAreAuditedWithTheirActorInTheSameTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		id := uint64(7)
		ctx := store.WithActor(t.Context(), store.Actor{Name: "DDETS du Rhône", TokenID: &id, RequestID: "req-1"})
		c, created, err := store.NewCampaigns(db).Create(ctx, newCampaign("69", nil))
		require.NoError(t, err)
		require.True(t, created)

		audit := store.NewAudit(db)
		entries, total, err := audit.List(t.Context(), store.AuditFilter{Entity: store.AuditCampaign, Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total)
		e := entries[0]
		assert.Equal(t, "DDETS du Rhône", e.Actor)
		assert.Equal(t, &id, e.TokenID)
		assert.Equal(t, c.ID, e.EntityID)
		assert.Equal(t, "created", e.Action)
		assert.Equal(t, "req-1", e.RequestID)
		assert.Contains(t, e.After, `"territory":"69"`)
		assert.Empty(t, e.Before)

		// A failed change leaves no entry: same ID again is refused by the primary key.
		dup := newCampaign("69", nil)
		dup.ID = c.ID
		_, _, err = store.NewCampaigns(db).Create(ctx, dup)
		require.Error(t, err)
		_, total, err = audit.List(t.Context(), store.AuditFilter{Limit: 10})
		require.NoError(t, err)
		assert.EqualValues(t, 1, total, "the entry rolled back with the refused insert")

		_, total, err = audit.List(t.Context(), store.AuditFilter{Actor: "DDETS du Rhône", From: time.Now().Add(time.Hour), Limit: 10})
		require.NoError(t, err)
		assert.Zero(t, total, "from filters")
	})
}

func TestPNEClosureAuditsEachMissOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		answered := time.Now().Add(-time.Hour)
		rows := []models.PNEStructure{
			{Year: 2027, AssociationKey: "siret:1", AssociationName: "A", Email: "a@example.org", Region: "84", Department: "69", Token: "ta", AnsweredAt: &answered},
			{Year: 2027, AssociationKey: "siret:2", AssociationName: "B", Email: "b@example.org", Region: "84", Department: "69", Token: "tb"},
		}
		require.NoError(t, db.Create(&rows).Error)
		s := store.NewPNEStructures(db)
		for range 2 {
			_, _, err := s.Close(context.Background(), 2027)
			require.NoError(t, err)
		}
		entries, total, err := store.NewAudit(db).List(t.Context(), store.AuditFilter{Entity: store.AuditAssociation, Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total, "one miss, recorded once")
		assert.Equal(t, "siret:2", entries[0].EntityID)
		assert.Equal(t, "pne_missed", entries[0].Action)
		assert.Equal(t, "workflow", entries[0].Actor)
	})
}

func TestScopeNarrowsCampaignsEmailsAndStructures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := t.Context()
		campaigns := store.NewCampaigns(db)
		var ids []string
		for _, tc := range [][2]string{{models.LevelDepartmental, "69"}, {models.LevelRegional, "84"}, {models.LevelDepartmental, "84"}, {models.LevelDepartmental, "13"}} {
			c := newCampaign(tc[1], nil)
			c.Level = tc[0]
			c.WorkflowID += tc[0]
			_, _, err := campaigns.Create(ctx, c)
			require.NoError(t, err)
			ids = append(ids, c.ID)
			require.NoError(t, db.Create(&models.Email{Key: "k/" + c.ID, CampaignID: c.ID, Purpose: "p", Recipient: "x@example.org", State: "sent"}).Error)
		}
		region := store.Scope{Regions: []string{"84"}, Departments: []string{"01", "69"}}
		list, total, err := campaigns.List(ctx, store.CampaignFilter{Scope: &region, Limit: 10})
		require.NoError(t, err)
		assert.EqualValues(t, 2, total)
		got := []string{list[0].ID, list[1].ID}
		assert.ElementsMatch(t, []string{ids[0], ids[1]}, got, "Rhône and the region; not Vaucluse (84 departmental) nor 13")

		emails, total, err := store.NewEmails(db).List(ctx, store.EmailFilter{Scope: &region, Limit: 10})
		require.NoError(t, err)
		assert.EqualValues(t, 2, total)
		assert.ElementsMatch(t, []string{ids[0], ids[1]}, []string{emails[0].CampaignID, emails[1].CampaignID})

		none := store.Scope{}
		_, total, err = campaigns.List(ctx, store.CampaignFilter{Scope: &none, Limit: 10})
		require.NoError(t, err)
		assert.Zero(t, total, "the zero scope sees nothing")

		for i, dep := range []string{"69", "13"} {
			require.NoError(t, db.Create(&models.PNEStructure{Year: 2027, AssociationKey: "siret:" + strconv.Itoa(i),
				AssociationName: dep, Region: map[string]string{"69": "84", "13": "93"}[dep], Department: dep, Token: "t" + dep}).Error)
		}
		rows, err := store.NewPNEStructures(db).ListIn(ctx, 2027, store.Scope{Departments: []string{"69"}})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		assert.Equal(t, "69", rows[0].Department)
	})
}
