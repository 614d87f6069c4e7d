package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/identity"
)

// identityMigrations come after monDossierMigrations: one association, one history.
var identityMigrations = []*gormigrate.Migration{associationIdentityMigration, pneDeclarationsMigration}

// pneDeclarationsMigration tells an association's own declaration from a confirmed
// answer, and an answer after the closure (late) from one in time (§8.4).
var pneDeclarationsMigration = &gormigrate.Migration{
	ID: "2026120771_pne_declarations",
	Migrate: func(tx *gorm.DB) error {
		type pneStructure struct {
			DeclaredAt   *time.Time
			AnswerSource string `gorm:"size:16"`
			AnsweredLate bool   `gorm:"not null;default:false"`
		}
		type pneResult struct {
			Late bool `gorm:"not null;default:false"`
		}
		for _, col := range []string{"DeclaredAt", "AnswerSource", "AnsweredLate"} {
			if err := tx.Table("pne_structures").Migrator().AddColumn(&pneStructure{}, col); err != nil {
				return err
			}
		}
		return tx.Table("pne_results").Migrator().AddColumn(&pneResult{}, "Late")
	},
	Rollback: func(tx *gorm.DB) error {
		for _, col := range []string{"declared_at", "answer_source", "answered_late"} {
			if err := tx.Table("pne_structures").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return tx.Table("pne_results").Migrator().DropColumn(&struct{}{}, "late")
	},
}

// migrationActor makes the changes a migration decides (the audit names it).
var migrationActor = Actor{Name: "migration"}

// associationIdentityMigration keys every association by its SIREN (from a SIRET) or its RNA,
// links both where a dossier gave both, and folds the project titles anew (identity.TitleKey):
// the dossiers, PNE results and structures, comptes-rendus financiers and renewal blocks
// recorded under a whole SIRET ("siret:…") or under an RNA later linked move to the one key;
// two records of one year merge (mergeAssociation's rules), and a dossier duplicating another
// in its call (same association and folded title) keeps a distinct title key, audited.
var associationIdentityMigration = &gormigrate.Migration{
	ID: "2026120770_association_identity",
	Migrate: func(tx *gorm.DB) error {
		type associationIdentifier struct {
			Identifier     string `gorm:"primaryKey;size:32"`
			AssociationKey string `gorm:"size:32;index"`
			CreatedAt      time.Time
		}
		if err := tx.Table("association_identifiers").Migrator().CreateTable(&associationIdentifier{}); err != nil {
			return err
		}
		return backfillAssociationIdentity(tx)
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("association_identifiers") },
}

// legacyDossier is what the backfill reads of a dossier.
type legacyDossier struct {
	ID, CampaignID, AssociationKey, Siret, Rna, Title, TitleKey string
}

func backfillAssociationIdentity(tx *gorm.DB) error {
	ctx := WithActor(context.Background(), migrationActor)
	var dossiers []legacyDossier
	if err := tx.Table("applications").Select("id, campaign_id, association_key, siret, rna, title, title_key").
		Order("created_at, id").Scan(&dossiers).Error; err != nil {
		return err
	}
	links := rnaLinks(dossiers)
	keyOf := func(old string) string {
		k := identity.LegacyKey(old)
		if to, ok := links[k]; ok {
			return to
		}
		return k
	}
	if err := rekeyDossiers(ctx, tx, dossiers, keyOf); err != nil {
		return err
	}
	if err := recordIdentifiers(tx, dossiers, keyOf); err != nil {
		return err
	}
	return rekeyLegacyHistory(ctx, tx, keyOf)
}

// rnaLinks maps each RNA given with a SIRET (first dossier first) to the SIREN's key.
func rnaLinks(dossiers []legacyDossier) map[string]string {
	links := map[string]string{}
	for _, d := range dossiers {
		siren, rna := identity.SIRENKey(strings.TrimSpace(d.Siret)), identity.RNAKey(strings.TrimSpace(d.Rna))
		if siren != "" && rna != "" {
			if _, ok := links[rna]; !ok {
				links[rna] = siren
			}
		}
	}
	return links
}

// rekeyDossiers writes each dossier's association key and folded title, oldest first;
// the unique index on (call, association, title) is dropped meanwhile and made again.
func rekeyDossiers(ctx context.Context, tx *gorm.DB, dossiers []legacyDossier, keyOf func(string) string) error {
	if err := tx.Exec("DROP INDEX IF EXISTS idx_applications_identity").Error; err != nil {
		return err
	}
	seen := map[[3]string]string{}
	for _, d := range dossiers {
		key := keyOf(d.AssociationKey)
		if own := identity.Key(strings.TrimSpace(d.Siret), strings.TrimSpace(d.Rna)); own != "" {
			key = keyOf(own)
		}
		title := identity.TitleKey(d.Title)
		if title == "" {
			title = d.TitleKey
		}
		id := [3]string{d.CampaignID, key, title}
		if first, dup := seen[id]; dup {
			title = duplicateTitleKey(title, d.ID)
			if err := recordAudit(ctx, tx, AuditApplication, d.ID, "identified_as_duplicate", nil,
				map[string]any{"duplicate_of": first, "association_key": key}); err != nil {
				return err
			}
		} else {
			seen[id] = d.ID
		}
		if key == d.AssociationKey && title == d.TitleKey {
			continue
		}
		if err := tx.Table("applications").Where("id = ?", d.ID).
			Updates(map[string]any{"association_key": key, "title_key": title}).Error; err != nil {
			return err
		}
	}
	return tx.Exec("CREATE UNIQUE INDEX idx_applications_identity ON applications (campaign_id, association_key, title_key)").Error
}

// recordIdentifiers links every identifier the dossiers gave to its association's key.
func recordIdentifiers(tx *gorm.DB, dossiers []legacyDossier, keyOf func(string) string) error {
	linked := map[string]bool{}
	now := time.Now().UTC()
	for _, d := range dossiers {
		for _, id := range []string{identity.SIRENKey(strings.TrimSpace(d.Siret)), identity.RNAKey(strings.TrimSpace(d.Rna))} {
			if id == "" || linked[id] {
				continue
			}
			linked[id] = true
			if err := tx.Table("association_identifiers").Create(map[string]any{
				"identifier": id, "association_key": keyOf(id), "created_at": now}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// rekeyLegacyHistory moves the PNE, comptes-rendus financiers and renewal blocks of each
// old key to its new one, audited per association.
func rekeyLegacyHistory(ctx context.Context, tx *gorm.DB, keyOf func(string) string) error {
	olds := map[string]bool{}
	for _, table := range []string{"pne_results", "pne_structures", "financial_reports", "renewal_blocks"} {
		var keys []string
		if err := tx.Table(table).Distinct("association_key").Pluck("association_key", &keys).Error; err != nil {
			return err
		}
		for _, k := range keys {
			olds[k] = true
		}
	}
	for _, old := range slices.Sorted(maps.Keys(olds)) {
		to := keyOf(old)
		if to == old {
			continue
		}
		if err := rekeyHistory(tx, old, to); err != nil {
			return err
		}
		if err := recordAudit(ctx, tx, AuditAssociation, to, "identifiers_linked",
			map[string]any{"association_key": old}, map[string]any{"association_key": to}); err != nil {
			return err
		}
	}
	return nil
}
