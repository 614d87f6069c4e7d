package mail

// Example data of every template, rendered by TestGolden. The data types
// mirror those of package activities, which the mail tests must not import
// (activities imports mail); TestExamplesMirrorActivities keeps them in step.

import (
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// paris is the time zone of every date the emails show.
var paris = french.Paris

// example is one rendering of a template checked against golden files
// testdata/NAME[.VARIANT].{subject,txt,html}.golden.
type example struct {
	variant string // "" for the first (or only) example of a template
	mirrors string // the activities type the data stands for
	data    any
}

// templateExamples holds the examples of every template, by name. A template
// added to templates/ without an example here fails TestGolden.
var templateExamples = map[string][]example{
	TemplateCampaignPublished: {
		{"", "CampaignPublishedEmail", campaignPublishedExample()},
	},
	TemplateCampaignClosed: {
		{"", "CampaignClosedEmail", campaignClosedExample()},
		{"none", "CampaignClosedEmail", campaignClosedEmail{
			CampaignID: "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901", Title: "Apprentissage du français en Corrèze",
			TerritoryLabel: "Corrèze (19)", Year: 2027, ClosedAt: time.Date(2027, time.May, 31, 23, 59, 59, 0, paris),
			BudgetCents: 5_000_000,
		}},
	},
	TemplateApplicationReceived: {
		{"", "ApplicationReceivedEmail", applicationReceivedEmail{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", ThemeLabel: "Apprentissage du français",
			RequestedCents: 1_250_050, TotalBudgetCents: 3_000_000,
			ReceivedAt:    time.Date(2027, time.March, 2, 23, 15, 0, 0, time.UTC), // 3 March in Paris
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
			CloseAt: time.Date(2027, time.May, 31, 18, 0, 0, 0, paris),
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
			AcknowledgeLink: "https://aap.example.gouv.fr/liens/eyJhIjoiYWNrbm93bGVkZ2UifQ.c2lnbmF0dXJl",
		}},
	},
	TemplateEmailUndeliverable: {
		{"", "EmailUndeliverableEmail", emailUndeliverableEmail{
			AssociationName: "Association Accueil & Parole", Recipient: "contact@accueil-parole.example",
			Subject: "Accusé de réception de votre dossier : Ateliers de français", Purpose: TemplateApplicationReceived,
			Error:         "550 5.1.1 <contact@accueil-parole.example>: Recipient address rejected",
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042",
		}},
	},
	TemplateApplicationDecided: {
		{"", "ApplicationDecidedEmail", applicationDecidedEmail{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", Retained: true, GrantedCents: 1_000_000, RequestedCents: 1_250_050,
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
		{"refused", "ApplicationDecidedEmail", applicationDecidedEmail{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000043", AssociationName: "Les Amis <du> quartier",
			ProjectTitle: "Permanences d'accès aux droits", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", RequestedCents: 800_000,
			Reason: "Le projet double une action déjà financée par le programme AGIR.",
		}},
	},
	TemplateConventionToSign: {
		{"", "ConventionEmail", conventionToSignExample()},
	},
	TemplateConventionReminder: {
		{"", "ConventionEmail", conventionReminderExample()},
	},
	TemplateConventionUnsigned: {
		{"", "ConventionEmail", conventionExample(true)},
	},
	TemplateConventionLapsed: {
		{"", "ConventionEmail", conventionExample(false)},
		{"correspondent", "ConventionEmail", conventionExample(true)},
	},
	TemplateConventionSigned: {
		{"", "ConventionEmail", conventionExample(false)},
		{"correspondent", "ConventionEmail", conventionExample(true)},
	},
	TemplateCarifOrefActions: {
		{"", "CarifOrefEmail", carifOrefEmail{
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)", Year: 2027,
			Actions: []languageAction{
				{AssociationName: "Association Accueil & Parole", AssociationID: "SIRET 73282932000074",
					ProjectTitle: "Ateliers de français à visée professionnelle", GrantedCents: 1_000_000, Beneficiaries: 60},
				{AssociationName: "Lire ensemble", AssociationID: "RNA W691234567",
					ProjectTitle: "Français pour parents d'élèves", GrantedCents: 450_050, Beneficiaries: 25},
			},
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
	TemplatePNEInvitation: {
		{"", "PNEEmail", pneExample(0)},
	},
	TemplatePNEReminder: {
		{"", "PNEEmail", pneExample(2)},
	},
	TemplateControlPlanned: {
		{"", "ControlPlannedEmail", controlPlannedEmail{
			ControlID: "0193f7c0-2222-7abc-8def-000000000007", Reference: "CONV-2027-69-0193F6B0",
			AssociationName: "Association Accueil & Parole", ProjectTitle: "Ateliers de français à visée professionnelle",
			TerritoryLabel: "Rhône (69)", PlannedOn: time.Date(2027, time.June, 15, 0, 0, 0, 0, paris),
			Controller: "Inspection DREETS Auvergne-Rhône-Alpes",
			ReplyTo:    "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
	TemplateControlSynthesisReminder: {
		{"", "ControlSynthesisReminderEmail", controlSynthesisReminderEmail{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, Reminder: 1, Planned: 2, Done: 5,
			DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, paris),
		}},
		{"last", "ControlSynthesisReminderEmail", controlSynthesisReminderEmail{
			RegionLabel: "Corse (région 94)", Year: 2027, Reminder: 2, Planned: 0, Done: 1,
			DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, paris),
		}},
	},
	TemplateControlSynthesis: {
		{"", "ControlSynthesisEmail", controlSynthesisEmail{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, paris),
			Planned: 1, Done: 6, Compliant: 4, NonCompliant: 2, Departments: 5, FollowUpsOpen: 1, FollowUpsClosed: 1,
			RepaymentCents: 1_250_050, FileName: "synthese-controles-2027-region-84.xlsx",
		}},
	},
	TemplatePNEList: {
		{"", "PNEListEmail", pneListEmail{Year: 2027, FundedYear: 2026, ScopeLabel: "Rhône (69)", Structures: 3,
			Problems: []pneListProblem{
				{AssociationName: "Lire ensemble", Message: "Aucune adresse électronique : la structure ne recevra pas le questionnaire."},
				{AssociationName: "Les Amis <du> quartier", Message: "Adresse contact@amis.example partagée avec : Parole ; une adresse unique par structure est attendue."},
			}}},
		{"clean", "PNEListEmail", pneListEmail{Year: 2027, FundedYear: 2026, ScopeLabel: "France entière", Structures: 1}},
	},
	TemplateCTAIOpinion: {
		{"", "CTAIOpinionEmail", ctaiOpinionExample(false)},
		{"favourable", "CTAIOpinionEmail", ctaiOpinionExample(true)},
	},
	TemplateCampaignCancelled: {
		{"", "CampaignCancelledEmail", campaignCancelledEmail{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", Reason: "Enveloppe redéployée sur les contrats territoriaux d'accueil et d'intégration.",
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
}

type campaignCancelledEmail struct {
	ApplicationID   string
	AssociationName string
	ProjectTitle    string
	CampaignTitle   string
	TerritoryLabel  string
	Reason          string
	ReplyTo         string
	SenderLabel     string
}

type campaignPublishedEmail struct {
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

func campaignPublishedExample() campaignPublishedEmail {
	return campaignPublishedEmail{
		CampaignID:     "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901",
		Title:          "Langue & emploi : intégration des étrangers primo-arrivants dans le Rhône",
		TerritoryLabel: "Rhône (69)",
		Year:           2027,
		PublishedAt:    time.Date(2027, time.January, 15, 9, 0, 0, 0, paris),
		CloseAt:        time.Date(2027, time.May, 31, 18, 0, 0, 0, paris),
		BudgetCents:    25_000_050,
		ThemeLabels:    []string{"Apprentissage du français", "Insertion professionnelle"},
		PolicyName:     "2025",
		ReplyTo:        "ddets-integration@rhone.gouv.fr",
		SenderLabel:    "au correspondant intégration, Rhône (69)",
	}
}

type themeLine struct {
	Label          string
	Count          int64
	RequestedCents int64
}

type flaggedLine struct {
	AssociationName string
	Title           string
	Why             string
}

type campaignClosedEmail struct {
	CampaignID     string
	Title          string
	TerritoryLabel string
	Year           int
	ClosedAt       time.Time
	BudgetCents    int64
	Count          int64
	RequestedCents int64
	ByTheme        []themeLine
	Flagged        []flaggedLine
	ReplyTo        string
	SenderLabel    string
}

func campaignClosedExample() campaignClosedEmail {
	return campaignClosedEmail{
		CampaignID:     "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901",
		Title:          "Langue & emploi dans le Rhône",
		TerritoryLabel: "Rhône (69)",
		Year:           2027,
		ClosedAt:       time.Date(2027, time.May, 31, 22, 0, 0, 0, time.UTC), // 1 June in Paris
		BudgetCents:    25_000_050,
		Count:          3,
		RequestedCents: 3_050_050,
		ByTheme: []themeLine{
			{Label: "Apprentissage du français", Count: 2, RequestedCents: 2_050_050},
			{Label: "Insertion professionnelle", Count: 1, RequestedCents: 1_000_000},
		},
		Flagged: []flaggedLine{
			{AssociationName: "Les Amis <du> quartier", Title: "Cours du soir", Why: "double financement possible (même projet déposé dans l'Ain)"},
		},
		ReplyTo:     "ddets-integration@rhone.gouv.fr",
		SenderLabel: "au correspondant intégration, Rhône (69)",
	}
}

type applicationReceivedEmail struct {
	ApplicationID    string
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
	AcknowledgeLink  string
}

type emailUndeliverableEmail struct {
	AssociationName string
	Recipient       string
	Subject         string
	Purpose         string
	Error           string
	CampaignTitle   string
	TerritoryLabel  string
	ApplicationID   string
	ReplyTo         string
	SenderLabel     string
}

type applicationDecidedEmail struct {
	ApplicationID   string
	AssociationName string
	ProjectTitle    string
	CampaignTitle   string
	TerritoryLabel  string
	Retained        bool
	GrantedCents    int64
	RequestedCents  int64
	Reason          string
	ReplyTo         string
	SenderLabel     string
}

type conventionEmail struct {
	ApplicationID    string
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
	SignLink           string
}

// conventionExample is the convention data as the activity fills it: for the
// porteur de projet with a Reply-To, for the correspondent without.
func conventionExample(forCorrespondent bool) conventionEmail {
	e := conventionEmail{
		ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", Reference: "2027-69-0042",
		AssociationName: "Association Accueil & Parole", ProjectTitle: "Ateliers de français à visée professionnelle",
		CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)", GrantedCents: 1_000_000,
		SentAt:             time.Date(2027, time.July, 1, 10, 0, 0, 0, paris),
		LapseAt:            time.Date(2027, time.August, 31, 21, 59, 59, 0, time.UTC), // 31 August, 23:59:59 in Paris
		ForCorrespondent:   forCorrespondent,
		PNECloseDate:       time.Date(2028, time.May, 31, 23, 59, 59, 0, paris),
		FinancialReportDue: time.Date(2028, time.June, 30, 23, 59, 59, 0, paris),
	}
	if !forCorrespondent {
		e.ReplyTo, e.SenderLabel = "ddets-integration@rhone.gouv.fr", "au correspondant intégration, Rhône (69)"
	}
	return e
}

func conventionReminderExample() conventionEmail {
	e := conventionToSignExample()
	e.Reminder = 2
	return e
}

// conventionToSignExample carries the link to sign online, as the request to sign and its reminders do.
func conventionToSignExample() conventionEmail {
	e := conventionExample(false)
	e.SignLink = "https://aap.example.gouv.fr/liens/eyJhIjoic2lnbiJ9.c2lnbmF0dXJl"
	return e
}

type languageAction struct {
	AssociationName string
	AssociationID   string
	ProjectTitle    string
	GrantedCents    int64
	Beneficiaries   int
}

type carifOrefEmail struct {
	CampaignTitle  string
	TerritoryLabel string
	Year           int
	Actions        []languageAction
	ReplyTo        string
	SenderLabel    string
}

type pneEmail struct {
	AssociationName string
	Year            int
	FundedYear      int
	FundedActions   int
	SurveyLink      string
	AnswerLink      string
	CloseAt         time.Time
	Reminder        int
	ReplyTo         string
	SenderLabel     string
}

// pneExample is a structure funded for two actions in 2026, asked in 2027.
func pneExample(reminder int) pneEmail {
	return pneEmail{
		AssociationName: "Association Accueil & Parole", Year: 2027, FundedYear: 2026, FundedActions: 2,
		SurveyLink: "https://enquetes.example.gouv.fr/index.php/pne?token=4f1c2b9e0a7d4e3f8b6a5c2d1e0f9a8b",
		AnswerLink: "https://aap.example.gouv.fr/liens/eyJhIjoicG5lIn0.c2lnbmF0dXJl",
		CloseAt:    time.Date(2027, time.May, 31, 21, 59, 59, 0, time.UTC), // 31 May, 23:59:59 in Paris
		Reminder:   reminder,
	}
}

type controlPlannedEmail struct {
	ControlID       string
	Reference       string
	AssociationName string
	ProjectTitle    string
	TerritoryLabel  string
	PlannedOn       time.Time
	Controller      string
	ReplyTo         string
	SenderLabel     string
}

type controlSynthesisReminderEmail struct {
	RegionLabel string
	Year        int
	DueAt       time.Time
	Reminder    int
	Planned     int
	Done        int
	ReplyTo     string
	SenderLabel string
}

type controlSynthesisEmail struct {
	RegionLabel     string
	Year            int
	DueAt           time.Time
	Planned         int
	Done            int
	Compliant       int
	NonCompliant    int
	Departments     int
	FollowUpsOpen   int
	FollowUpsClosed int
	RepaymentCents  int64
	FileName        string
	ReplyTo         string
	SenderLabel     string
}

type pneListProblem struct {
	AssociationName string
	Message         string
}

type pneListEmail struct {
	Year        int
	FundedYear  int
	ScopeLabel  string
	Structures  int
	Problems    []pneListProblem
	ReplyTo     string
	SenderLabel string
}

type ctaiRuleOutcome struct {
	Label   string
	Passed  bool
	Message string
}

type ctaiOpinionEmail struct {
	RequestID        string
	CollectiviteName string
	Year             int
	KindLabel        string
	TerritoryLabel   string
	FiledAt          time.Time
	RequestedCents   int64
	Favourable       bool
	Outcomes         []ctaiRuleOutcome
	ReplyTo          string
	SenderLabel      string
}

// ctaiOpinionExample is Villeurbanne's renewal, with or without its bilan.
func ctaiOpinionExample(favourable bool) ctaiOpinionEmail {
	bilan := ctaiRuleOutcome{Label: "Bilan du contrat précédent", Passed: false,
		Message: "Aucun bilan n'est joint à la demande de renouvellement : avis défavorable (§3.3)."}
	if favourable {
		bilan = ctaiRuleOutcome{Label: "Bilan du contrat précédent", Passed: true,
			Message: "Le bilan couvre 2 action(s) : bénéficiaires par typologie, âge et sexe, dépenses et reliquats, associations mobilisées, atteinte des objectifs (§3.3)."}
	}
	return ctaiOpinionEmail{
		RequestID: "0193f6b0-2222-7abc-8def-000000000007", CollectiviteName: "Ville de Villeurbanne", Year: 2027,
		KindLabel: "renouvellement", TerritoryLabel: "Rhône (69)",
		FiledAt:        time.Date(2027, time.February, 28, 23, 30, 0, 0, time.UTC), // 1 March in Paris
		RequestedCents: 12_000_000, Favourable: favourable,
		Outcomes: []ctaiRuleOutcome{
			{Label: "Plafond de financement", Passed: true, Message: "Le financement demandé (120\u00a0000,00\u00a0€) ne dépasse pas le plafond d'un contrat qui recevait moins de 150\u00a0000,00\u00a0€ (150\u00a0000,00\u00a0€) (§3.5)."},
			{Label: "Axe logement", Passed: true, Message: "La collectivité est compétente en matière de logement et le contrat comporte un axe logement (§3.2)."},
			bilan,
		},
		ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
	}
}
