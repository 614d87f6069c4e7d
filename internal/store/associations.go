package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/identity"
	"github.com/dian-p104/aap/models"
)

// ResolveAssociationKey returns the key of the association a dossier's SIRET
// and RNA name: the SIREN when a SIRET is given; else the association its RNA
// was linked to by an earlier dossier giving both; else the RNA itself.
func ResolveAssociationKey(ctx context.Context, db *gorm.DB, siret, rna string) (string, error) {
	if k := identity.SIRENKey(siret); k != "" {
		return k, nil
	}
	rnaKey := identity.RNAKey(rna)
	if rnaKey == "" {
		return "", nil
	}
	var link models.AssociationIdentifier
	err := db.WithContext(ctx).Where("identifier = ?", rnaKey).Take(&link).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return rnaKey, nil
	}
	if err != nil {
		return "", fmt.Errorf("resolve association %s: %w", rnaKey, err)
	}
	return link.AssociationKey, nil
}

// linkAssociation records, in the dossier's transaction, the identifiers it
// gave under its association's key. When it gives a SIRET and an RNA that was
// known alone until now, the RNA's history (dossiers, PNE, comptes-rendus
// financiers, renewal blocks) moves under the SIREN's key, audited: a SIRET
// then an RNA (or the reverse) is one association. An RNA already linked to
// another SIREN keeps its first link (the dossier is still keyed by its SIRET).
func linkAssociation(ctx context.Context, tx *gorm.DB, key, siret, rna string) error {
	ids := []string{identity.SIRENKey(siret), identity.RNAKey(rna)}
	for _, id := range ids {
		if id == "" {
			continue
		}
		var link models.AssociationIdentifier
		err := tx.Where("identifier = ?", id).Take(&link).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&models.AssociationIdentifier{Identifier: id, AssociationKey: key}).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		case link.AssociationKey == key:
		case link.AssociationKey == id && id != key && identity.SIRENKey(siret) == key:
			// The RNA stood for itself: its association is the SIREN's.
			if err := mergeAssociation(ctx, tx, id, key); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeAssociation moves everything recorded under the key from to the key to,
// and audits it. Where both keys hold a record of the same year (a PNE answer,
// a structure of a year's list) they become one: answered if either answered,
// the earlier date kept. A dossier of the same project in the same call is kept,
// with its title key marked as a duplicate (the unique dossier per call and project
// holds; the audit names it).
func mergeAssociation(ctx context.Context, tx *gorm.DB, from, to string) error {
	dups, err := rekeyApplications(tx, from, to)
	if err != nil {
		return err
	}
	if err := rekeyHistory(tx, from, to); err != nil {
		return err
	}
	after := map[string]any{"association_key": to}
	if len(dups) > 0 {
		after["duplicate_dossiers"] = dups
	}
	return recordAudit(ctx, tx, AuditAssociation, to, "identifiers_linked", map[string]any{"association_key": from}, after)
}

// rekeyApplications moves from's dossiers to to; it returns the IDs of those that
// duplicate one of to's in the same call (their title key is then made distinct).
func rekeyApplications(tx *gorm.DB, from, to string) ([]string, error) {
	var rows []struct{ ID, CampaignID, TitleKey string }
	if err := tx.Table("applications").Select("id, campaign_id, title_key").
		Where("association_key = ?", from).Order("created_at, id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	var dups []string
	for _, r := range rows {
		var n int64
		if err := tx.Table("applications").Where("campaign_id = ? AND association_key = ? AND title_key = ?", r.CampaignID, to, r.TitleKey).
			Count(&n).Error; err != nil {
			return nil, err
		}
		fields := map[string]any{"association_key": to}
		if n > 0 {
			fields["title_key"] = duplicateTitleKey(r.TitleKey, r.ID)
			dups = append(dups, r.ID)
		}
		if err := tx.Table("applications").Where("id = ?", r.ID).Updates(fields).Error; err != nil {
			return nil, err
		}
	}
	return dups, nil
}

// duplicateTitleKey keeps a dossier that duplicates another (same association,
// call and project) distinct under the unique index: its ID is appended.
func duplicateTitleKey(titleKey, id string) string {
	suffix := " #" + id
	if len(titleKey)+len(suffix) > 300 {
		titleKey = titleKey[:300-len(suffix)]
	}
	return titleKey + suffix
}

// rekeyHistory moves from's PNE results, PNE structures, comptes-rendus
// financiers, renewal blocks and identifiers to the key to. It reads and writes
// tables by name: the backfill migration uses it too.
func rekeyHistory(tx *gorm.DB, from, to string) error {
	if err := mergeYearly(tx, "pne_results", from, to); err != nil {
		return err
	}
	if err := mergeYearly(tx, "pne_structures", from, to); err != nil {
		return err
	}
	for _, table := range []string{"financial_reports", "renewal_blocks", "association_identifiers"} {
		if err := tx.Table(table).Where("association_key = ?", from).Update("association_key", to).Error; err != nil {
			return fmt.Errorf("rekey %s: %w", table, err)
		}
	}
	return nil
}

// mergeYearly moves a table keyed by (association_key, year) from one key to
// another; a year both hold keeps to's row, with from's answer if to's had none.
func mergeYearly(tx *gorm.DB, table, from, to string) error {
	var rows []struct {
		ID   uint64
		Year int
	}
	if err := tx.Table(table).Select("id, year").Where("association_key = ?", from).Scan(&rows).Error; err != nil {
		return fmt.Errorf("rekey %s: %w", table, err)
	}
	for _, r := range rows {
		var kept struct{ ID uint64 }
		err := tx.Table(table).Select("id").Where("association_key = ? AND year = ?", to, r.Year).Take(&kept).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if err := tx.Table(table).Where("id = ?", r.ID).Update("association_key", to).Error; err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := mergeAnswer(tx, table, r.ID, kept.ID); err != nil {
			return err
		}
		if err := tx.Table(table).Where("id = ?", r.ID).Delete(nil).Error; err != nil {
			return err
		}
	}
	return nil
}

// mergeAnswer gives the kept row of a year the dropped row's answer when it had
// none (a PNE result or a structure of the list), and a structure its funded actions.
func mergeAnswer(tx *gorm.DB, table string, dropped, kept uint64) error {
	var rows []map[string]any
	if err := tx.Table(table).Where("id IN ?", []uint64{dropped, kept}).Find(&rows).Error; err != nil {
		return err
	}
	var d, k map[string]any
	for _, r := range rows {
		if fmt.Sprint(r["id"]) == fmt.Sprint(dropped) {
			d = r
		} else {
			k = r
		}
	}
	if d == nil || k == nil {
		return nil
	}
	fields := map[string]any{}
	switch {
	case table == "pne_results" && !truthy(k["answered"]) && truthy(d["answered"]):
		fields["answered"], fields["answered_at"] = true, d["answered_at"]
	case table == "pne_structures" && k["answered_at"] == nil && d["answered_at"] != nil:
		fields["answered_at"] = d["answered_at"]
	}
	if table == "pne_structures" {
		fields["funded_actions"] = gorm.Expr("funded_actions + ?", d["funded_actions"])
	}
	if len(fields) == 0 {
		return nil
	}
	return tx.Table(table).Where("id = ?", kept).Updates(fields).Error
}

// truthy reads a boolean column as the drivers return it (bool, or an integer in SQLite).
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case int64:
		return b != 0
	case int:
		return b != 0
	}
	return false
}
