package mail

// Example data of every template, rendered by TestGolden, in the data types the
// activities fill.

import (
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// example is one rendering of a template checked against golden files
// testdata/NAME[.VARIANT].{subject,txt,html}.golden.
type example struct {
	variant string // "" for the first (or only) example of a template
	data    any
}

// templateExamples holds the examples of every template, by name. A template
// added to templates/ without an example here fails TestGolden.
var templateExamples = map[string][]example{
	TemplateCampaignPublished: {
		{"", campaignPublishedExample()},
	},
	TemplateCampaignClosed: {
		{"", campaignClosedExample()},
		{"none", CampaignClosedData{
			CampaignID: "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901", Title: "Apprentissage du français en Corrèze",
			TerritoryLabel: "Corrèze (19)", Year: 2027, ClosedAt: time.Date(2027, time.May, 31, 23, 59, 59, 0, french.Paris),
			BudgetCents: 5_000_000,
		}},
		{"ds", CampaignClosedData{
			CampaignID: "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e902", Title: "Intégration dans le Rhône",
			TerritoryLabel: "Rhône (69)", Year: 2027, ClosedAt: time.Date(2027, time.May, 31, 23, 59, 59, 0, french.Paris),
			BudgetCents: 25_000_000, Count: 1, RequestedCents: 1_500_000,
			ByTheme:    []ThemeLine{{Label: "Apprentissage du français", Count: 1, RequestedCents: 1_500_000}},
			DSDemarche: 4242,
			DSRefused: []DSRefusedLine{{Number: 104, Errors: []string{
				"« Contrat d'engagement républicain signé » : le contrat d'engagement républicain doit être signé pour demander une subvention du programme 104 (§4.2.1)",
				"« Budget total du projet (€) » : le budget total (30 000,00 €) est inférieur à la subvention demandée et aux cofinancements (40 000,00 €)"}}},
		}},
	},
	TemplateApplicationReceived: {
		{"", ApplicationReceivedData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", ThemeLabel: "Apprentissage du français",
			RequestedCents: 1_250_050, TotalBudgetCents: 3_000_000,
			ReceivedAt:    time.Date(2027, time.March, 2, 23, 15, 0, 0, time.UTC), // 3 March in Paris
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
			CloseAt: time.Date(2027, time.May, 31, 18, 0, 0, 0, french.Paris),
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
			AcknowledgeLink: "https://aap.example.gouv.fr/liens/eyJhIjoiYWNrbm93bGVkZ2UifQ.c2lnbmF0dXJl",
		}},
	},
	TemplateEmailUndeliverable: {
		{"", EmailUndeliverableData{
			AssociationName: "Association Accueil & Parole", Recipient: "contact@accueil-parole.example",
			Subject: "Accusé de réception de votre dossier : Ateliers de français", Purpose: TemplateApplicationReceived,
			Error:         "550 5.1.1 <contact@accueil-parole.example>: Recipient address rejected",
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042",
		}},
	},
	TemplateCalendarDeviation: {
		{"", CalendarDeviationData{
			CampaignID: "0193f6b0-2222-7abc-8def-000000000007", Title: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
			Year: 2027, PublishAt: time.Date(2027, 4, 14, 7, 0, 0, 0, time.UTC), CloseAt: time.Date(2027, 6, 20, 16, 0, 0, 0, time.UTC),
			PublishBy: "31 mars 2027", CloseBy: "31 mai 2027", PublishLate: true, CloseLate: true,
			Justification: "Délégation des crédits reçue le 2 avril.\nComité de pilotage reporté au 10 avril.",
			ContactEmail:  "ddets-integration@rhone.gouv.fr",
			ReplyTo:       "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
	TemplateApplicationDecided: {
		{"", ApplicationDecidedData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", Retained: true, GrantedCents: 1_000_000, RequestedCents: 1_250_050,
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
			DossierLink: "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl",
		}},
		{"refused", ApplicationDecidedData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000043", DossierReference: "AAP-2027-69-0043", AssociationName: "Les Amis <du> quartier",
			ProjectTitle: "Permanences d'accès aux droits", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", RequestedCents: 800_000,
			Reason:            "Le projet double une action déjà financée par le programme AGIR.",
			DecisionReference: "Arrêté préfectoral n° 69-2027-06-12-004 du 12 juin 2027",
		}},
	},
	TemplateConventionToSign: {
		{"", conventionToSignExample()},
	},
	TemplateConventionReminder: {
		{"", conventionReminderExample()},
	},
	TemplateConventionUnsigned: {
		{"", conventionExample(true)},
	},
	TemplateConventionLapsed: {
		{"", conventionExample(false)},
		{"correspondent", conventionExample(true)},
	},
	TemplateConventionSigned: {
		{"", conventionExample(false)},
		{"correspondent", conventionExample(true)},
	},
	TemplateCarifOrefActions: {
		{"", CarifOrefData{
			CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)", Year: 2027,
			Actions: []LanguageAction{
				{AssociationName: "Association Accueil & Parole", AssociationID: "SIRET 73282932000074",
					ProjectTitle: "Ateliers de français à visée professionnelle", GrantedCents: 1_000_000, Beneficiaries: 60},
				{AssociationName: "Lire ensemble", AssociationID: "RNA W691234567",
					ProjectTitle: "Français pour parents d'élèves", GrantedCents: 450_050, Beneficiaries: 25},
			},
			ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
	TemplatePNEInvitation: {
		{"", pneExample(0)},
	},
	TemplatePNEReminder: {
		{"", pneExample(2)},
	},
	TemplateControlPlanned: {
		{"", ControlPlannedData{
			ControlID: "0193f7c0-2222-7abc-8def-000000000007", Reference: "CONV-2027-69-0193F6B0",
			AssociationName: "Association Accueil & Parole", ProjectTitle: "Ateliers de français à visée professionnelle",
			TerritoryLabel: "Rhône (69)", PlannedOn: time.Date(2027, time.June, 15, 0, 0, 0, 0, french.Paris),
			Controller: "Inspection DREETS Auvergne-Rhône-Alpes",
			ReplyTo:    "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
		{"ctai", ControlPlannedData{
			ControlID: "0193f7c0-2222-7abc-8def-000000000008", AssociationName: "Toit commun", CollectiviteName: "Ville de Villeurbanne",
			TerritoryLabel: "Rhône (69)", PlannedOn: time.Date(2027, time.June, 15, 0, 0, 0, 0, french.Paris),
			Controller: "Inspection DREETS Auvergne-Rhône-Alpes",
			ReplyTo:    "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
	TemplateControlSynthesisReminder: {
		{"", ControlSynthesisReminderData{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, Reminder: 1, Planned: 2, Done: 5,
			DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
		}},
		{"last", ControlSynthesisReminderData{
			RegionLabel: "Corse (région 94)", Year: 2027, Reminder: 2, Planned: 0, Done: 1,
			DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
		}},
	},
	TemplateControlSynthesis: {
		{"", ControlSynthesisData{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
			Planned: 1, Done: 6, Compliant: 4, NonCompliant: 2, Departments: 5, FollowUpsOpen: 1, FollowUpsClosed: 1,
			RepaymentCents: 1_250_050, FileName: "synthese-controles-2027-region-84.xlsx",
		}},
		{"supplement", ControlSynthesisData{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
			Planned: 0, Done: 7, Compliant: 4, NonCompliant: 3, Departments: 5, FollowUpsOpen: 0, FollowUpsClosed: 3,
			RepaymentCents: 1_250_050, FileName: "synthese-controles-2027-region-84-complement-2.xlsx", Supplement: 2,
			SentOn: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
		}},
	},
	TemplateControlGaps: {
		{"", ControlGapsData{
			RegionLabel: "Auvergne-Rhône-Alpes (région 84)", Year: 2027, DueAt: time.Date(2027, time.September, 30, 9, 0, 0, 0, french.Paris),
			Gaps: []ControlGapLine{{DepartmentLabel: "Ain (01)", Candidates: 3, Planned: 1}, {DepartmentLabel: "Isère (38)", Candidates: 1}},
		}},
	},
	TemplatePNEList: {
		{"", PNEListData{Year: 2027, FundedYear: 2026, ScopeLabel: "Rhône (69)", Structures: 3,
			Problems: []PNEListProblem{
				{AssociationName: "Lire ensemble", Message: "Aucune adresse électronique : la structure ne recevra pas le questionnaire."},
				{AssociationName: "Les Amis <du> quartier", Message: "Adresse contact@amis.example partagée avec : Parole ; une adresse unique par structure est attendue."},
			}}},
		{"clean", PNEListData{Year: 2027, FundedYear: 2026, ScopeLabel: "France entière", Structures: 1}},
	},
	TemplateCTAIOpinion: {
		{"", ctaiOpinionExample(false)},
		{"favourable", ctaiOpinionExample(true)},
	},
	TemplateCampaignCancelled: {
		{"", CampaignCancelledData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", Reason: "Enveloppe redéployée sur les contrats territoriaux d'accueil et d'intégration.",
			DossierLink: "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl",
			ReplyTo:     "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	},
}

func campaignPublishedExample() CampaignPublishedData {
	return CampaignPublishedData{
		CampaignID:     "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901",
		Title:          "Langue & emploi : intégration des étrangers primo-arrivants dans le Rhône",
		TerritoryLabel: "Rhône (69)",
		Year:           2027,
		PublishedAt:    time.Date(2027, time.January, 15, 9, 0, 0, 0, french.Paris),
		CloseAt:        time.Date(2027, time.May, 31, 18, 0, 0, 0, french.Paris),
		BudgetCents:    25_000_050,
		ThemeLabels:    []string{"Apprentissage du français", "Insertion professionnelle"},
		PolicyName:     "2025",
		ReplyTo:        "ddets-integration@rhone.gouv.fr",
		SenderLabel:    "au correspondant intégration, Rhône (69)",
	}
}

func campaignClosedExample() CampaignClosedData {
	return CampaignClosedData{
		CampaignID:     "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901",
		Title:          "Langue & emploi dans le Rhône",
		TerritoryLabel: "Rhône (69)",
		Year:           2027,
		ClosedAt:       time.Date(2027, time.May, 31, 22, 0, 0, 0, time.UTC), // 1 June in Paris
		BudgetCents:    25_000_050,
		Count:          3,
		RequestedCents: 3_050_050,
		ByTheme: []ThemeLine{
			{Label: "Apprentissage du français", Count: 2, RequestedCents: 2_050_050},
			{Label: "Insertion professionnelle", Count: 1, RequestedCents: 1_000_000},
		},
		Flagged: []FlaggedLine{
			{AssociationName: "Les Amis <du> quartier", Title: "Cours du soir", Why: "double financement possible (même projet déposé dans l'Ain)"},
		},
		ReplyTo:     "ddets-integration@rhone.gouv.fr",
		SenderLabel: "au correspondant intégration, Rhône (69)",
	}
}

// conventionExample is the convention data as the activity fills it: for the
// porteur de projet with a Reply-To, for the correspondent without.
func conventionExample(forCorrespondent bool) ConventionData {
	e := ConventionData{
		ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042", Reference: "2027-69-0042",
		AssociationName: "Association Accueil & Parole", ProjectTitle: "Ateliers de français à visée professionnelle",
		CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)", GrantedCents: 1_000_000,
		SentAt:             time.Date(2027, time.July, 1, 10, 0, 0, 0, french.Paris),
		LapseAt:            time.Date(2027, time.August, 31, 21, 59, 59, 0, time.UTC), // 31 August, 23:59:59 in Paris
		ForCorrespondent:   forCorrespondent,
		PNECloseDate:       time.Date(2028, time.May, 31, 23, 59, 59, 0, french.Paris),
		FinancialReportDue: time.Date(2028, time.June, 30, 23, 59, 59, 0, french.Paris),
	}
	if !forCorrespondent {
		e.ReplyTo, e.SenderLabel = "ddets-integration@rhone.gouv.fr", "au correspondant intégration, Rhône (69)"
		e.DossierLink = "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl"
	}
	return e
}

func conventionReminderExample() ConventionData {
	e := conventionToSignExample()
	e.Reminder = 2
	return e
}

// conventionToSignExample carries the link to sign online, as the request to sign and its reminders do.
func conventionToSignExample() ConventionData {
	e := conventionExample(false)
	e.SignLink, e.DossierLink = "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl", ""
	return e
}

// pneExample is a structure funded for two actions in 2026, asked in 2027.
func pneExample(reminder int) PNEData {
	return PNEData{
		AssociationName: "Association Accueil & Parole", Year: 2027, FundedYear: 2026, FundedActions: 2,
		SurveyLink: "https://enquetes.example.gouv.fr/index.php/pne?token=4f1c2b9e0a7d4e3f8b6a5c2d1e0f9a8b",
		AnswerLink: "https://aap.example.gouv.fr/liens/eyJhIjoicG5lIn0.c2lnbmF0dXJl",
		CloseAt:    time.Date(2027, time.May, 31, 21, 59, 59, 0, time.UTC), // 31 May, 23:59:59 in Paris
		Reminder:   reminder,
	}
}

// ctaiOpinionExample is Villeurbanne's renewal, with or without its bilan.
func ctaiOpinionExample(favourable bool) CTAIOpinionData {
	bilan := CTAIRuleOutcome{Label: "Bilan du contrat précédent", Passed: false,
		Message: "Aucun bilan n'est joint à la demande de renouvellement : avis défavorable proposé (§3.3)."}
	if favourable {
		bilan = CTAIRuleOutcome{Label: "Bilan du contrat précédent", Passed: true,
			Message: "Le bilan couvre 2 action(s) : bénéficiaires par typologie, âge et sexe, dépenses et reliquats, associations mobilisées, atteinte des objectifs (§3.3)."}
	}
	return CTAIOpinionData{
		RequestID: "0193f6b0-2222-7abc-8def-000000000007", CollectiviteName: "Ville de Villeurbanne", Year: 2027,
		KindLabel: "renouvellement", TerritoryLabel: "Rhône (69)",
		FiledAt:        time.Date(2027, time.February, 28, 23, 30, 0, 0, time.UTC), // 1 March in Paris
		RequestedCents: 12_000_000, Favourable: favourable,
		DelegatedCents: map[bool]int64{true: 11_500_000}[favourable],
		Motivation:     map[bool]string{false: "Le bilan des actions de 2026 n'a pas été transmis (§3.3)."}[favourable],
		Outcomes: []CTAIRuleOutcome{
			{Label: "Plafond de financement", Passed: true, Message: "Le financement demandé (120\u00a0000,00\u00a0€) ne dépasse pas le plafond d'un contrat qui recevait moins de 150\u00a0000,00\u00a0€ (150\u00a0000,00\u00a0€) (§3.5)."},
			{Label: "Axe logement", Passed: true, Message: "La collectivité est compétente en matière de logement et le contrat comporte un axe logement (§3.2)."},
			bilan,
		},
		ReplyTo: "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
	}
}
