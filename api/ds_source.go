package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/models"
)

// DSSourceInput names the Démarches Simplifiées démarche a call takes its dossiers from:
// its number, the instructeur in whose name decisions go back, and the mapping of the
// démarche's champs (by ID) to the dossier's fields.
type DSSourceInput struct {
	Demarche      int               `json:"demarche"`
	InstructeurID string            `json:"instructeur_id"`
	Mapping       map[string]string `json:"mapping"`
}

// DSDescriptors reads a démarche's champs from DS (ds.Client).
type DSDescriptors interface {
	Configured() bool
	Descriptors(ctx context.Context, demarche int) ([]ds.ChampDescriptor, error)
}

const dsField = "demarches_simplifiees"

var errDSUnavailable = &Problem{Status: http.StatusServiceUnavailable, Code: "ds_unavailable",
	Message: "Démarches Simplifiées ne répond pas : la démarche et sa correspondance n'ont pas pu être vérifiées ; rien n'a été enregistré, réessayez."}

// checkDSSource checks the source's own fields; the mapping is checked against DS after.
func (in *DSSourceInput) check(v *validation, client DSDescriptors) {
	if !client.Configured() {
		v.add(dsField, "not_configured", "le connecteur Démarches Simplifiées n'est pas configuré sur ce moteur (AAP_DS_TOKEN)")
		return
	}
	if in.Demarche <= 0 {
		v.add(dsField+".demarche", "required", "numéro de la démarche obligatoire (nombre entier positif)")
	}
	in.InstructeurID = strings.TrimSpace(in.InstructeurID)
	checkText(v, dsField+".instructeur_id", in.InstructeurID, 1, 200)
	if len(in.Mapping) == 0 {
		v.add(dsField+".mapping", "required", "correspondance obligatoire : le champ de la démarche qui remplit chaque champ du dossier")
	}
}

// connector reads the démarche's champs and checks the mapping against them: a
// French 422 for an unknown démarche or champ, a champ of the wrong type, a
// required field unmapped; 503 when DS does not answer.
func (in *DSSourceInput) connector(ctx context.Context, client DSDescriptors) (*models.DSConnector, error) {
	descriptors, err := client.Descriptors(ctx, in.Demarche)
	switch ds.KindOf(err) {
	case ds.KindUnavailable, ds.KindRateLimited:
		if err != nil {
			return nil, errDSUnavailable
		}
	case ds.KindRefused:
		return nil, ValidationProblem([]FieldError{{Field: dsField + ".demarche", Rule: "unknown_demarche",
			Message: "Démarches Simplifiées ne donne pas accès à cette démarche avec le jeton configuré : " + err.Error()}})
	}
	if problems := ds.Mapping(in.Mapping).Check(dsField+".mapping", descriptors); len(problems) > 0 {
		fields := make([]FieldError, len(problems))
		for i, p := range problems {
			fields[i] = FieldError{Field: p.Field, Rule: p.Rule, Message: p.Message}
		}
		return nil, ValidationProblem(fields)
	}
	return &models.DSConnector{Demarche: in.Demarche, InstructeurID: in.InstructeurID, Mapping: in.Mapping}, nil
}
