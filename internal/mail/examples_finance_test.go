package mail

import "time"

// Examples of the compte-rendu financier's and the renewal block's emails (§8.4).
func init() {
	templateExamples[TemplateFinancialReportReminder] = []example{
		{"", financialReportExample(1, false, false)},
		{"overdue", financialReportExample(3, true, false)},
	}
	templateExamples[TemplateFinancialReportMissing] = []example{
		{"", financialReportExample(0, true, false)},
		{"correspondent", financialReportExample(0, true, true)},
	}
	templateExamples[TemplateRenewalBlocked] = []example{
		{"", RenewalBlockedData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000077", DossierReference: "AAP-2027-69-0077", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)",
			Blocks: []RenewalBlockLine{{
				Reason: "Le compte-rendu financier (Cerfa n° 15059*02) de la convention « CONV-2027-69-0193F6B0 » (exercice 2027), attendu au plus tard le 30 juin 2028, n'a pas été reçu",
				Lift:   "envoyer ce compte-rendu financier ; sa réception lève le blocage",
			}},
			DossierLink: "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl",
			ReplyTo:     "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
		{"provisional", RenewalBlockedData{
			ApplicationID: "0193f6b0-1111-7abc-8def-000000000078", DossierReference: "AAP-2027-69-0078", AssociationName: "Association Accueil & Parole",
			ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône",
			TerritoryLabel: "Rhône (69)", Provisional: true,
			Blocks: []RenewalBlockLine{{
				Reason: "Blocage provisoire, revu à la clôture du PNE le 31 mai 2027 : l'association n'a pas encore répondu au questionnaire du Plan national d'évaluation (PNE) 2026 (envoyé en 2027) ; sans réponse à sa clôture, le 31 mai 2027, la règle de 2027 (1 questionnaire(s) manqué(s)) exclura son financement",
				Lift:   "répondre à ce questionnaire avant sa clôture ; la réponse lève le blocage à la clôture",
			}},
			DossierLink: "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl",
			ReplyTo:     "ddets-integration@rhone.gouv.fr", SenderLabel: "au correspondant intégration, Rhône (69)",
		}},
	}
	templateExamples[TemplateRenewalBlockRechecked] = []example{
		{"", renewalRecheckExample(true, false, false)},
		{"correspondent", renewalRecheckExample(true, true, true)},
		{"lifted", renewalRecheckExample(false, false, false)},
		{"lifted.correspondent", renewalRecheckExample(false, true, false)},
	}
}

// renewalRecheckExample is a provisional block the closure of the PNE 2026 (31 May
// 2027) confirmed or lifted, told to the porteur or the correspondent.
func renewalRecheckExample(confirmed, correspondent, retained bool) RenewalBlockRecheckedData {
	e := RenewalBlockRecheckedData{
		ApplicationID: "0193f6b0-1111-7abc-8def-000000000078", DossierReference: "AAP-2027-69-0078", AssociationName: "Association Accueil & Parole",
		ProjectTitle: "Ateliers de français à visée professionnelle", CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)",
		PNEName: "PNE 2026", ClosedAt: time.Date(2027, time.May, 31, 21, 59, 59, 0, time.UTC), // 31 May, 23:59:59 in Paris
		Confirmed: confirmed, Retained: retained, ForCorrespondent: correspondent,
	}
	if confirmed {
		e.Reason = "L'association n'a pas répondu au questionnaire du Plan national d'évaluation (PNE) 2026 (envoyé en 2027) : la règle de 2027 (1 questionnaire(s) manqué(s)) exclut son financement"
		e.Lift = "répondre au prochain questionnaire PNE dans les délais (le blocage vaut pour cet appel à projets)"
	}
	if !correspondent {
		e.ReplyTo, e.SenderLabel = "ddets-integration@rhone.gouv.fr", "au correspondant intégration, Rhône (69)"
		e.DossierLink = "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl"
	}
	return e
}

func financialReportExample(reminder int, overdue, correspondent bool) FinancialReportData {
	e := FinancialReportData{
		ApplicationID: "0193f6b0-1111-7abc-8def-000000000042", DossierReference: "AAP-2027-69-0042", Reference: "CONV-2027-69-0193F6B0",
		AssociationName: "Association Accueil & Parole", ProjectTitle: "Ateliers de français à visée professionnelle",
		CampaignTitle: "Langue & emploi dans le Rhône", TerritoryLabel: "Rhône (69)", GrantedCents: 1_000_000, FiscalYear: 2027,
		DueAt:    time.Date(2028, time.June, 30, 21, 59, 59, 0, time.UTC), // 30 June, 23:59:59 in Paris
		Reminder: reminder, Overdue: overdue, ForCorrespondent: correspondent,
	}
	if !correspondent {
		e.ReplyTo, e.SenderLabel = "ddets-integration@rhone.gouv.fr", "au correspondant intégration, Rhône (69)"
	}
	switch {
	case reminder > 0:
		e.ReportLink = "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl"
	case !correspondent:
		e.DossierLink = "https://aap.example.gouv.fr/liens/eyJhIjoiZG9zc2llciJ9.c2lnbmF0dXJl"
	}
	return e
}
