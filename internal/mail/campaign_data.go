package mail

// Emails of a call for projects' life: its publication, its closure, its cancellation and the
// list of language actions sent to the Carif-Oref.

import "time"

// TemplateCampaignPublished tells the correspondent the call is published.
const TemplateCampaignPublished = "campaign_published"

// CampaignPublishedData is the data of the publication notice template.
type CampaignPublishedData struct {
	CampaignID     string
	Title          string
	TerritoryLabel string
	Year           int
	PublishedAt    time.Time
	CloseAt        time.Time
	BudgetCents    int64
	ThemeLabels    []string
	PolicyName     string
	ReplyTo        string
	SenderLabel    string
}

// TemplateCampaignClosed sends the correspondent the closure summary.
const TemplateCampaignClosed = "campaign_closed"

// CampaignClosedData is the data of the closure summary.
type CampaignClosedData struct {
	CampaignID     string
	Title          string
	TerritoryLabel string
	Year           int
	ClosedAt       time.Time
	BudgetCents    int64
	Count          int64
	RequestedCents int64
	ByTheme        []ThemeLine
	Flagged        []FlaggedLine
	// DSDemarche is the Démarches Simplifiées démarche of a call that takes its dossiers
	// there too (0: none); DSRefused its DS dossiers the rules refused.
	DSDemarche  int
	DSRefused   []DSRefusedLine
	ReplyTo     string
	SenderLabel string
}

// DSRefusedLine is a DS dossier the rules refused, with each field's error in French.
type DSRefusedLine struct {
	Number int
	Errors []string
}

// ThemeLine is one theme of the closure summary.
type ThemeLine struct {
	Label          string
	Count          int64
	RequestedCents int64
}

// FlaggedLine is one dossier the committee must look at twice.
type FlaggedLine struct {
	AssociationName string
	Title           string
	Why             string
}

// TemplateCampaignCancelled tells a porteur de projet the call is cancelled.
const TemplateCampaignCancelled = "campaign_cancelled"

// CampaignCancelledData is the data of the cancellation notice to a porteur de projet.
type CampaignCancelledData struct {
	ApplicationID string
	// DossierReference is the dossier's readable reference (AAP-2027-69-0042).
	DossierReference string
	AssociationName  string
	ProjectTitle     string
	CampaignTitle    string
	TerritoryLabel   string
	Reason           string
	ReplyTo          string
	SenderLabel      string
	// DossierLink opens the association's « Mon dossier » page (its personal link); "" in an email that carries another.
	DossierLink string
}

// TemplateCarifOrefActions lists the funded language actions for the Carif-Oref.
const TemplateCarifOrefActions = "carif_oref_actions"

// CarifOrefData is the data of the list sent to the Carif-Oref.
type CarifOrefData struct {
	CampaignTitle  string
	TerritoryLabel string
	Year           int
	Actions        []LanguageAction
	ReplyTo        string
	SenderLabel    string
}

// LanguageAction is one funded language-training action in the Carif-Oref list.
type LanguageAction struct {
	AssociationName string
	AssociationID   string
	ProjectTitle    string
	GrantedCents    int64
	Beneficiaries   int
}

// TemplateCalendarDeviation reports to DIAN a call published after the end of Q1 or closing
// after 31 May, with the difficulty the correspondent wrote (§8.3).
const TemplateCalendarDeviation = "calendar_deviation"

// CalendarDeviationData is the data of the report to DIAN.
type CalendarDeviationData struct {
	CampaignID     string
	Title          string
	TerritoryLabel string
	Year           int
	PublishAt      time.Time
	CloseAt        time.Time
	// PublishBy and CloseBy are the policy's dates, in French ("31 mars 2027").
	PublishBy, CloseBy     string
	PublishLate, CloseLate bool
	Justification          string
	ContactEmail           string
	// ReplyTo and SenderLabel: DIAN's answer goes to the correspondent.
	ReplyTo     string
	SenderLabel string
}
