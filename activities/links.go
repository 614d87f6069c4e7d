package activities

import (
	"time"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/models"
)

// associationLink is the address of a signed link letting an association act
// on one item (its dossier, its convention, its PNE answer) until expires; ""
// when no signer is configured (the email then goes without the link).
func (a *Activities) associationLink(action, item string, expires time.Time) (string, error) {
	if a.Links == nil {
		return "", nil
	}
	token, err := a.Links.Sign(action, item, expires)
	if err != nil {
		return "", err
	}
	return a.PublicURL + "/liens/" + token, nil
}

// dossierLink is the address of the association's « Mon dossier » page for app,
// valid linkLife after from.
func (a *Activities) dossierLink(app *models.Application, from time.Time) (string, error) {
	return a.associationLink(auth.LinkDossier, app.ID, from.Add(linkLife))
}

// linkLife is how long a link stays valid when its item has no deadline of its own.
const linkLife = 90 * 24 * time.Hour
