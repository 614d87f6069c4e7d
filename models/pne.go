package models

import "time"

// PNEResult records whether a structure answered the PNE questionnaire run in a
// year (§8.4: the 2024 questionnaire closed on 31 May 2024, on 2023's actions). The evaluation workflow fills it at the questionnaire's closure; the
// selection reads it to block renewals.
type PNEResult struct {
	ID             uint64     `gorm:"primaryKey" json:"-"`
	AssociationKey string     `gorm:"size:32;uniqueIndex:idx_pne_results_identity" json:"association_key"`
	Year           int        `gorm:"uniqueIndex:idx_pne_results_identity" json:"year"`
	Answered       bool       `json:"answered"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
	// Late: the answer was confirmed after the questionnaire's closure; Answered then
	// says what the year's policy makes of it (pne.late_answers_count).
	Late      bool      `json:"late"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PNEStructure is one structure asked to answer the PNE questionnaire of a year
// (§8.4): an association funded in a call of the previous year, with one email.
// The list of a year is drawn up once, at the policy's pne_list_due.
type PNEStructure struct {
	ID   uint64 `gorm:"primaryKey" json:"id"`
	Year int    `gorm:"uniqueIndex:idx_pne_structures_identity" json:"year"`
	// AssociationKey is "siren:…" or "rna:…", as on the dossiers (and in pne_results).
	AssociationKey  string `gorm:"size:32;uniqueIndex:idx_pne_structures_identity" json:"association_key"`
	AssociationName string `gorm:"size:300" json:"association_name"`
	// Email is the one address the questionnaire goes to (§8.4: "une adresse mail unique par structure").
	Email string `gorm:"size:254;index" json:"email"`
	// Region and Department are the INSEE codes of the funded dossiers' calls
	// (Department empty when only regional calls funded it).
	Region        string `gorm:"size:3;index" json:"region"`
	Department    string `gorm:"size:3;index" json:"department,omitempty"`
	FundedActions int    `json:"funded_actions"`
	// Token identifies the structure in its personal LimeSurvey link; never shown by the API.
	Token string `gorm:"size:64;uniqueIndex" json:"-"`
	// AnsweredAt is when the answer is known: read from the questionnaire's export
	// (LimeSurvey, a CSV) or confirmed by a correspondent (AnswerSource says which).
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	AnswerSource string     `gorm:"size:16" json:"answer_source,omitempty"`
	// AnsweredLate: the answer came after the questionnaire's closure (kept, and counted as the policy says).
	AnsweredLate bool `json:"answered_late"`
	// DeclaredAt is when the association itself declared « j'ai répondu » (its link):
	// a declaration, not an answer, until the export or a correspondent confirms it.
	DeclaredAt *time.Time `json:"declared_at,omitempty"`
	// AddedReason is set when a correspondent or DIAN added the structure by hand
	// (§8.4: a structure that benefited and that the calls and CTAI do not show),
	// AddedBy who did (the audit trail has the agent's ID).
	AddedReason string    `gorm:"size:1000" json:"added_reason,omitempty"`
	AddedBy     string    `gorm:"size:200" json:"added_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}
