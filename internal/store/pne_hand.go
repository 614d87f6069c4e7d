package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// PNEHandAddition is a structure a correspondent or DIAN adds by hand to a year's list.
type PNEHandAddition struct {
	SIRET, RNA    string
	Name, Email   string
	Department    string
	FundedActions int
	Reason        string
}

// ErrPNEStructureListed: the association is already on the year's list (drawn up
// or added by hand); the existing structure is returned with it.
var ErrPNEStructureListed = fmt.Errorf("association already on the PNE list: %w", ErrConflict)

// AddByHand adds a structure to a year's PNE list (§8.4: « les structures ayant
// bénéficié des crédits »: one the calls and the CTAI bilans do not show), with
// the reason, audited with the actor of ctx, in one transaction. The association is
// resolved as a dossier's would be; one already on the list is not added again
// (ErrPNEStructureListed, with the listed structure): the unique index on (year,
// association) makes one of two concurrent additions win. A list drawn up later
// keeps the structure as added.
func (s *PNEStructures) AddByHand(ctx context.Context, year int, add PNEHandAddition) (*models.PNEStructure, error) {
	var row models.PNEStructure
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		key, err := ResolveAssociationKey(ctx, tx, add.SIRET, add.RNA)
		if err != nil {
			return err
		}
		token, err := newToken()
		if err != nil {
			return err
		}
		region := ""
		if d, ok := territory.LookupDepartment(add.Department); ok {
			region = d.RegionCode
		}
		now := time.Now().UTC()
		row = models.PNEStructure{Year: year, AssociationKey: key, AssociationName: add.Name, Email: add.Email,
			Region: region, Department: add.Department, FundedActions: add.FundedActions, Token: token,
			AddedReason: add.Reason, AddedBy: ActorOf(ctx).Name, CreatedAt: now, UpdatedAt: now}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "year"}, {Name: "association_key"}}, DoNothing: true}).Create(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if err := tx.Where("year = ? AND association_key = ?", year, key).Take(&row).Error; err != nil {
				return err
			}
			return ErrPNEStructureListed
		}
		return recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(row.ID), "pne_structure_added", nil, map[string]any{
			"year": year, "association_key": key, "name": add.Name, "email": add.Email, "department": add.Department,
			"funded_actions": add.FundedActions, "reason": add.Reason})
	})
	if err != nil {
		if row.ID != 0 {
			return &row, err
		}
		return nil, err
	}
	return &row, nil
}
