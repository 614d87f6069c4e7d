package mail

// Emails of a dossier: its accusé de réception, the committee's answer, and the notice to the
// correspondent when a porteur de projet cannot be reached.

import "time"

// TemplateApplicationReceived is the accusé de réception of a dossier.
const TemplateApplicationReceived = "application_received"

// ApplicationReceivedData is the data of the accusé de réception.
type ApplicationReceivedData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	AssociationName  string
	ProjectTitle     string
	ThemeLabel       string
	RequestedCents   int64
	TotalBudgetCents int64
	ReceivedAt       time.Time
	CampaignTitle    string
	TerritoryLabel   string
	CloseAt          time.Time
	ReplyTo          string
	SenderLabel      string
	// AcknowledgeLink lets the association confirm it received the acknowledgement; "" without one.
	AcknowledgeLink string
}

// TemplateApplicationDecided is the committee's answer to a porteur de projet.
const TemplateApplicationDecided = "application_decided"

// ApplicationDecidedData is the data of the committee's answer to a porteur de projet.
type ApplicationDecidedData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	Retained         bool
	GrantedCents     int64
	RequestedCents   int64
	Reason           string
	// DecisionReference is the signed decision's reference (the selection's), quoted to a
	// dossier not retained with the appeal routes and their two-month deadline.
	DecisionReference string
	ReplyTo           string
	SenderLabel       string
	// DossierLink opens the association's « Mon dossier » page (its personal link); "" in an email that carries another.
	DossierLink string
}

// TemplateEmailUndeliverable tells the correspondent an email to a porteur de projet was refused for good.
const TemplateEmailUndeliverable = "email_undeliverable"

// EmailUndeliverableData is the data of the notice to the correspondent.
type EmailUndeliverableData struct {
	AssociationName string
	Recipient       string
	Subject         string
	Purpose         string
	Error           string
	CampaignTitle   string
	TerritoryLabel  string
	ApplicationID   string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	ReplyTo          string
	SenderLabel      string
}
