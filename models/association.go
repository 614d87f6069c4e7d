package models

import "time"

// AssociationIdentifier links an identifier a dossier gave — the SIREN of its SIRET
// ("siren:…") or its RNA number ("rna:…") — to the key of the association it
// belongs to: one legal person across calls and years, whose history (dossiers,
// PNE answers, comptes-rendus financiers) is kept under that one key. A dossier
// giving both a SIRET and an RNA links them.
type AssociationIdentifier struct {
	Identifier     string    `gorm:"primaryKey;size:32" json:"identifier"`
	AssociationKey string    `gorm:"size:32;index" json:"association_key"`
	CreatedAt      time.Time `json:"created_at"`
}
