package models

import "time"

// ReportDocument is the file of a compte-rendu financier sent through « Mon
// dossier »: the signed Cerfa n° 15059*02 (§8.4), PDF or image, with its checksum;
// one per report, so per yearly tranche of a CPO (FiscalYear, the report's).
type ReportDocument struct {
	ConventionID string    `gorm:"primaryKey;size:36" json:"convention_id"`
	FiscalYear   int       `gorm:"primaryKey;autoIncrement:false" json:"fiscal_year"`
	FileName     string    `gorm:"size:200" json:"file_name"`
	ContentType  string    `gorm:"size:100" json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `gorm:"column:sha256;size:64" json:"sha256"`
	Data         []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}
