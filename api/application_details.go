package api

import (
	"strings"
	"time"

	"github.com/dian-p104/aap/models"
)

// checkFilingDetails checks what the online form requires and the API takes when
// given: the legal representative, the public and how its eligibility is checked
// (§2.1), the fiscal year's end, and the attachments (statuts, budget prévisionnel
// and RIB required; the last approved accounts when the association has closed a year).
func (r *ApplicationRequest) checkFilingDetails(v *validation, a *models.Application, c *models.Campaign) {
	a.LegalRepresentative = strings.TrimSpace(r.Association.LegalRepresentative)
	a.Public, a.PublicCheck = strings.TrimSpace(r.Project.Public), strings.TrimSpace(r.Project.PublicCheck)
	a.FiscalYearEnd = strings.TrimSpace(r.Project.FiscalYearEnd)
	optionalText := func(field, value string, minLen, maxLen int) {
		if value != "" || r.complete {
			checkText(v, field, value, minLen, maxLen)
		}
	}
	optionalText("association.legal_representative", a.LegalRepresentative, 2, 300)
	optionalText("project.public", a.Public, 10, 2000)
	optionalText("project.public_check", a.PublicCheck, 10, 2000)
	if a.FiscalYearEnd != "" || r.complete {
		checkFiscalYearEnd(v, a.FiscalYearEnd, c.Year)
	}
	if r.complete {
		checkAttachments(v, r.attachments)
	}
}

// withRefusals puts the form's refusals first: a field refused as read (a file too
// large, a number that is not one) shows that reason alone, not also "required".
func withRefusals(refused, errs []FieldError) []FieldError {
	if len(refused) == 0 {
		return errs
	}
	seen := map[string]bool{}
	for _, r := range refused {
		seen[r.Field] = true
	}
	out := append([]FieldError{}, refused...)
	for _, e := range errs {
		if !seen[e.Field] {
			out = append(out, e)
		}
	}
	return out
}

// checkFiscalYearEnd: a date, in the call's year or the next (the subsidy's fiscal year).
func checkFiscalYearEnd(v *validation, value string, year int) {
	const field = "project.fiscal_year_end"
	if checkDate(v, field, value); v.has(field) {
		return
	}
	d, _ := time.Parse(time.DateOnly, value)
	if d.Year() < year || d.Year() > year+1 {
		v.add(field, "fiscal_year", "l'exercice qui porte la subvention %d se clôt en %d ou %d", year, year, year+1)
	}
}

// requiredAttachments are the files every dossier filed online carries.
var requiredAttachments = []string{models.AttachmentStatuts, models.AttachmentBudget, models.AttachmentRIB}

func checkAttachments(v *validation, attachments []models.Attachment) {
	for _, kind := range requiredAttachments {
		if hasAttachment(attachments, kind) {
			continue
		}
		v.add("attachments."+kind, "required", "pièce obligatoire : joignez un fichier PDF, PNG ou JPEG")
	}
}

func hasAttachment(attachments []models.Attachment, kind string) bool {
	for _, a := range attachments {
		if a.Kind == kind {
			return true
		}
	}
	return false
}
