package store_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func TestReferencesAreUniqueAndDenseUnderConcurrentFilings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		rhone := newCampaign("69", nil)
		require.NoError(t, db.Create(rhone).Error)
		const n = 24
		refs := make([]string, n)
		errs := together(n, func(i int) error {
			a, created, err := s.Create(ctx, newApplication(rhone.ID, fmt.Sprintf("projet %d", i), nil))
			if err == nil && !created {
				err = fmt.Errorf("dossier %d not created", i)
			}
			if err == nil {
				refs[i] = a.Reference
			}
			return err
		})
		for i, err := range errs {
			require.NoError(t, err, "filing %d", i)
		}
		sort.Strings(refs)
		for i, ref := range refs {
			require.Equal(t, fmt.Sprintf("AAP-2027-69-%04d", i+1), ref, "one number each, none skipped")
		}
		stored, err := s.ByReference(ctx, refs[n-1])
		require.NoError(t, err)
		require.Equal(t, refs[n-1], stored.Reference)
	})
}

func TestReferencesCountPerYearAndTerritoryAndRegionsAreMarked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		rhone, vaucluse, region := newCampaign("69", nil), newCampaign("84", nil), newCampaign("84", nil)
		region.Level = models.LevelRegional
		rhone2028 := newCampaign("69", nil)
		rhone2028.Year = 2028
		for _, c := range []*models.Campaign{rhone, vaucluse, region, rhone2028} {
			require.NoError(t, db.Create(c).Error)
		}
		file := func(c *models.Campaign, title string) string {
			a := newApplication(c.ID, title, nil)
			a.Year = c.Year
			stored, created, err := s.Create(ctx, a)
			require.NoError(t, err)
			require.True(t, created)
			return stored.Reference
		}
		require.Equal(t, "AAP-2027-69-0001", file(rhone, "a"))
		require.Equal(t, "AAP-2027-69-0002", file(rhone, "b"))
		require.Equal(t, "AAP-2027-84-0001", file(vaucluse, "a"))
		require.Equal(t, "AAP-2027-R84-0001", file(region, "a"), "region 84 is not department 84")
		require.Equal(t, "AAP-2028-69-0001", file(rhone2028, "a"), "a new year starts at 1")
		require.Equal(t, "AAP-2027-69-0003", file(rhone, "c"))

		// The same dossier filed again keeps its reference and takes no number.
		again, created, err := s.Create(ctx, newApplication(rhone.ID, "a", nil))
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, "AAP-2027-69-0001", again.Reference)
		require.Equal(t, "AAP-2027-69-0004", file(rhone, "d"))

		_, err = s.ByReference(ctx, "AAP-2027-69-0005")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestReferenceNeedsTheDossiersCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, _, err := store.NewApplications(db).Create(context.Background(), newApplication("no-such-call", "a", nil))
		require.ErrorContains(t, err, "no-such-call")
		var count int64
		require.NoError(t, db.Model(&models.Application{}).Count(&count).Error)
		require.Zero(t, count, "nothing stored")
	})
}

func TestDossierReferenceFormat(t *testing.T) {
	for ref, ok := range map[string]bool{
		"AAP-2027-69-0042": true, "AAP-2027-R84-0007": true, "AAP-2027-2A-0001": true, "AAP-2027-971-0001": true,
		"AAP-2027-69-12345": true, "AAP-2027-69-042": false, "aap-2027-69-0042": false, "AAP-27-69-0042": false,
		"AAP-2027-R8-0001": false, "6f1c3b2a-0000-0000-0000-000000000000": false,
	} {
		require.Equal(t, ok, models.IsDossierReference(ref), ref)
	}
	require.Equal(t, "AAP-2027-R84-0007", models.DossierReference(models.ReferenceScope(2027, models.LevelRegional, "84"), 7))
	require.Equal(t, "AAP-2027-69-0042", models.DossierReference(models.ReferenceScope(2027, models.LevelDepartmental, "69"), 42))
}
