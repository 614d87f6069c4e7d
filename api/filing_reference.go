package api

import "github.com/dian-p104/aap/models"

// filedReference is the reference the confirmation page gives the association to quote.
// For now the dossier's ID; the readable reference (« AAP-2027-69-0042 ») takes its place
// here once dossiers carry one (issue 16's « Mon dossier » work).
func filedReference(a *models.Application) string { return a.ID }
