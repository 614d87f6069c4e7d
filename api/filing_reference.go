package api

import "github.com/dian-p104/aap/models"

// filedReference is the reference the confirmation page gives the association to quote on
// the phone and in its letters (« AAP-2027-69-0042 », allocated when the dossier is stored).
func filedReference(a *models.Application) string { return a.Reference }
