package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/benchenv"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// BenchmarkApplicationsListDeepPage reads the first page (50 dossiers, with the count
// of the call) and the last page of a call of AAP_BENCH_DOSSIERS dossiers (10,000 by
// default) on SQLite, by OFFSET (page=) and by keyset (cursor=): OFFSET reads and skips
// every earlier dossier and counts the call, the cursor enters the index where the page
// starts and counts nothing.
func BenchmarkApplicationsListDeepPage(b *testing.B) {
	n := benchenv.Size(b, "AAP_BENCH_DOSSIERS", 10_000, 100)
	db := storetest.SQLite(b)
	c := newCampaign("69", nil)
	if err := db.Create(c).Error; err != nil {
		b.Fatal(err)
	}
	base := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	rows := make([]models.Application, n)
	for i := range rows {
		a := newApplication(c.ID, fmt.Sprintf("projet %05d", i), nil)
		a.CreatedAt = base.Add(time.Duration(i) * time.Second)
		rows[i] = *a
	}
	if err := db.CreateInBatches(rows, 200).Error; err != nil {
		b.Fatal(err)
	}
	apps, ctx := store.NewApplications(db), context.Background()
	const size = 50
	last := (n/size - 1) * size
	cursor := rows[last-1].ID
	for _, tc := range []struct {
		name string
		f    store.ApplicationFilter
	}{
		{"first", store.ApplicationFilter{CampaignID: c.ID, Limit: size}},
		{"offset", store.ApplicationFilter{CampaignID: c.ID, Limit: size, Offset: last}},
		{"cursor", store.ApplicationFilter{CampaignID: c.ID, Limit: size, After: cursor}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				page, _, err := apps.List(ctx, tc.f)
				if err != nil || len(page) != size || (tc.name != "first" && page[0].ID != rows[last].ID) {
					b.Fatalf("page: %v, %d rows", err, len(page))
				}
			}
		})
	}
	// The API's list page: the narrow summaries of the first page, counting nothing.
	b.Run("summaries", func(b *testing.B) {
		for b.Loop() {
			page, err := apps.Summaries(ctx, store.ApplicationFilter{CampaignID: c.ID, Limit: size})
			if err != nil || len(page) != size {
				b.Fatalf("page: %v, %d rows", err, len(page))
			}
		}
	})
}
