package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

var applicationType = reflect.TypeOf(models.Application{})

// registerReferences gives every dossier inserted without a reference its next
// one, whoever inserts it (the filing, a test's seed), inside the insert's own
// transaction (gorm's create callbacks run between its begin and commit).
func registerReferences(db *gorm.DB) error {
	return db.Callback().Create().Before("gorm:create").Register("aap:dossier_reference", func(tx *gorm.DB) {
		if tx.Error != nil || tx.Statement.Schema == nil || tx.Statement.Schema.ModelType != applicationType {
			return
		}
		if err := referenceEach(tx, tx.Statement.ReflectValue); err != nil {
			_ = tx.AddError(err)
		}
	})
}

func referenceEach(tx *gorm.DB, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := referenceEach(tx, v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer:
		return referenceEach(tx, v.Elem())
	case reflect.Struct:
		if a, ok := v.Addr().Interface().(*models.Application); ok && a.Reference == "" {
			return allocateReference(tx.Session(&gorm.Session{NewDB: true, SkipHooks: true}), a)
		}
	}
	return nil
}

// allocateReference sets a's reference from its call's year and territory.
func allocateReference(tx *gorm.DB, a *models.Application) error {
	var c models.Campaign
	if err := tx.Select("year", "level", "territory").Where("id = ?", a.CampaignID).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("dossier reference: call %q not found", a.CampaignID)
		}
		return fmt.Errorf("dossier reference: %w", err)
	}
	scope := models.ReferenceScope(c.Year, c.Level, c.Territory)
	n, err := nextSequence(tx, scope)
	if err != nil {
		return fmt.Errorf("dossier reference %s: %w", scope, err)
	}
	a.Reference = models.DossierReference(scope, n)
	return nil
}

// nextSequence bumps scope's counter (dossier_reference_counters: the last number given in
// a reference scope, "2027-69") and returns its new value. The row is bumped in the
// transaction that inserts the dossier: two filings at the same moment queue on it
// (PostgreSQL's row lock, SQLite's immediate transaction), so each gets the next number and
// none is given twice; a filing whose insert fails rolls its number back with it. One
// statement, since the row stays locked until the filing commits: every trip made after
// the bump makes the other filings of the territory wait longer.
func nextSequence(tx *gorm.DB, scope string) (int, error) {
	var n int
	err := tx.Raw(`INSERT INTO dossier_reference_counters (scope, last_sequence) VALUES (?, 1)
		ON CONFLICT (scope) DO UPDATE SET last_sequence = dossier_reference_counters.last_sequence + 1
		RETURNING last_sequence`, scope).Scan(&n).Error
	return n, err
}

// ByReference returns the dossier of a readable reference, or ErrNotFound.
func (s *Applications) ByReference(ctx context.Context, reference string) (*models.Application, error) {
	var a models.Application
	err := s.db.WithContext(ctx).Where("reference = ?", reference).Take(&a).Error
	return &a, notFound(err)
}

// Find returns a dossier by its ID or its readable reference, or ErrNotFound.
func (s *Applications) Find(ctx context.Context, idOrReference string) (*models.Application, error) {
	if models.IsDossierReference(idOrReference) {
		return s.ByReference(ctx, idOrReference)
	}
	return s.Get(ctx, idOrReference)
}
