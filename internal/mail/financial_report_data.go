package mail

// Emails of the compte-rendu financier (§8.4) and of the renewals it blocks.

import "time"

const (
	// TemplateFinancialReportReminder reminds the association its compte-rendu financier is due.
	TemplateFinancialReportReminder = "financial_report_reminder"
	// TemplateFinancialReportMissing tells that the compte-rendu financier was not received in time.
	TemplateFinancialReportMissing = "financial_report_missing"
)

// FinancialReportData is the data of the compte-rendu financier's emails.
type FinancialReportData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	Reference        string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	GrantedCents     int64
	FiscalYear       int
	// Tranche is the report's tranche in a CPO (1, 2, 3; 0 for an annual convention),
	// TrancheYear its year and TrancheCents its amount (§8.2: yearly tranches, each with its report).
	Tranche          int
	TrancheYear      int
	TrancheCents     int64
	DueAt            time.Time
	Reminder         int
	Overdue          bool
	ForCorrespondent bool
	ReplyTo          string
	SenderLabel      string
	// ReportLink lets the association send the report online (reminders only).
	ReportLink string
	// DossierLink opens the association's « Mon dossier » page (its personal link); "" in an email that carries another.
	DossierLink string
}

// TemplateRenewalBlocked tells a porteur de projet why its new dossier cannot be retained.
const TemplateRenewalBlocked = "renewal_blocked"

// RenewalBlockedData tells a porteur de projet why its dossier cannot be retained, and what lifts it.
type RenewalBlockedData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	Blocks           []RenewalBlockLine
	// Provisional: the block rests on a PNE questionnaire not closed yet; an answer
	// before its closure lifts it (its reason says when the closure reviews it).
	Provisional bool
	ReplyTo     string
	SenderLabel string
	// DossierLink opens the association's « Mon dossier » page (its personal link); "" in an email that carries another.
	DossierLink string
}

// RenewalBlockLine is one block as the email shows it.
type RenewalBlockLine struct {
	Reason string
	Lift   string
}

// TemplateRenewalBlockRechecked tells the porteur de projet and the call's
// correspondent what the PNE's closure made of a provisional renewal block.
const TemplateRenewalBlockRechecked = "renewal_block_rechecked"

// RenewalBlockRecheckedData is a provisional block confirmed (the association did
// not answer the questionnaire before its closure) or lifted (it did).
type RenewalBlockRecheckedData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	// PNEName names the questionnaire (« PNE 2026 », sent in 2027) and ClosedAt its closure.
	PNEName  string
	ClosedAt time.Time
	// Confirmed: the block is final (Reason, Lift); otherwise it is lifted.
	Confirmed bool
	Reason    string
	Lift      string
	// Retained: the committee retained the dossier before the closure.
	Retained         bool
	ForCorrespondent bool
	ReplyTo          string
	SenderLabel      string
	// DossierLink opens the association's « Mon dossier » page (its personal link; porteur only).
	DossierLink string
}
