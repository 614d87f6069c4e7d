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
	}
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
