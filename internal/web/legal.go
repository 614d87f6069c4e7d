package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// legalPage is one of the pages every footer links to; Section picks its text in templates/legal.html.
type legalPage struct {
	layout
	Section string
	// Mailbox is where to write (AAP_DIAN_EMAIL): contact, personal data.
	Mailbox string
	// Hosting names the host in the legal notice (AAP_HOSTING); empty: a development instance.
	Hosting string
	// StatementDate is when the accessibility statement was drawn up.
	StatementDate string
}

// accessibilityStatementDate is the date of the accessibility statement; change it with
// the statement's text (templates/legal.html).
const accessibilityStatementDate = "6 décembre 2026"

// registerLegal adds the accessibility statement, the legal notice, the
// personal-data notice and the contact page: public, for agents and associations alike.
func (p *pages) registerLegal(group *gin.RouterGroup) {
	for path, title := range map[string]string{
		PathAccessibility: "Déclaration d'accessibilité",
		PathLegalNotice:   "Mentions légales",
		PathPersonalData:  "Données personnelles",
		PathContact:       "Contact",
	} {
		group.GET(path, func(c *gin.Context) {
			p.render(c, http.StatusOK, "legal.html", legalPage{
				layout:  Chrome{Title: title},
				Section: path, Mailbox: p.d.ContactEmail, Hosting: p.d.Hosting, StatementDate: accessibilityStatementDate,
			})
		})
	}
}
