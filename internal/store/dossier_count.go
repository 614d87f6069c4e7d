package store

import (
	"reflect"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// registerDossierCount keeps each call's dossier count (campaigns.dossier_count) with
// every dossier inserted, whoever inserts it (the filing, the DS import, a test's seed),
// inside the insert's own transaction: the count moves with the rows or not at all. A
// call's dossier list then answers its total from the call's row, which it reads anyway,
// instead of counting the call's dossiers on every page. The one delete of a dossier
// (Applications.Delete, a filing undone) takes it off the count in its own transaction.
func registerDossierCount(db *gorm.DB) error {
	return db.Callback().Create().After("gorm:create").Register("aap:call_dossier_count", func(tx *gorm.DB) {
		if tx.Error != nil || tx.Statement.Schema == nil || tx.Statement.Schema.ModelType != applicationType ||
			tx.Statement.RowsAffected == 0 { // nothing inserted (a replay): nothing to count
			return
		}
		perCall := map[string]int64{}
		countEach(tx.Statement.ReflectValue, perCall)
		var sum int64
		for _, n := range perCall {
			sum += n
		}
		recount := tx.Statement.RowsAffected != sum // an insert that skipped rows: count the call again
		for id, n := range perCall {
			var err error
			if recount {
				err = tx.Session(&gorm.Session{NewDB: true, SkipHooks: true}).Exec("UPDATE campaigns SET dossier_count = "+
					"(SELECT COUNT(*) FROM applications WHERE campaign_id = ?) WHERE id = ?", id, id).Error
			} else {
				err = addToDossierCount(tx.Session(&gorm.Session{NewDB: true, SkipHooks: true}), id, n)
			}
			if err != nil {
				_ = tx.AddError(err)
				return
			}
		}
	})
}

// addToDossierCount adds n (negative: takes off) to the call's dossier count.
func addToDossierCount(tx *gorm.DB, campaignID string, n int64) error {
	return tx.Exec("UPDATE campaigns SET dossier_count = dossier_count + ? WHERE id = ?", n, campaignID).Error
}

// countEach adds the dossiers of v (one, a pointer, or a slice) to their call's count.
func countEach(v reflect.Value, perCall map[string]int64) {
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			countEach(v.Index(i), perCall)
		}
	case reflect.Pointer:
		countEach(v.Elem(), perCall)
	case reflect.Struct:
		if a, ok := v.Addr().Interface().(*models.Application); ok {
			perCall[a.CampaignID]++
		}
	}
}
