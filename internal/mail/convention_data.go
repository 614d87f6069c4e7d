package mail

// Emails of a convention (§8.2), from the request to sign to its signature or lapse: every one
// renders a ConventionData.

import "time"

const (
	// TemplateConventionToSign asks the association to sign its convention.
	TemplateConventionToSign = "convention_to_sign"
	// TemplateConventionReminder reminds the association to sign.
	TemplateConventionReminder = "convention_reminder"
	// TemplateConventionUnsigned tells the correspondent a convention is still unsigned.
	TemplateConventionUnsigned = "convention_unsigned"
	// TemplateConventionLapsed tells that the convention lapsed, unsigned in time.
	TemplateConventionLapsed = "convention_lapsed"
	// TemplateConventionSigned confirms the signature and recalls the obligations it brings.
	TemplateConventionSigned = "convention_signed"
)

// ConventionData is the data of every convention email.
type ConventionData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	Reference        string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	GrantedCents     int64
	SentAt           time.Time
	LapseAt          time.Time
	Reminder         int
	ForCorrespondent bool
	// PNECloseDate and FinancialReportDue remind the association of its obligations once signed.
	PNECloseDate       time.Time
	FinancialReportDue time.Time
	ReplyTo            string
	SenderLabel        string
	// SignLink lets the association sign online (the request to sign and its reminders); "" otherwise.
	SignLink string
	// DossierLink opens the association's « Mon dossier » page (its personal link); "" in an email that carries another.
	DossierLink string
}
