package api

import (
	"fmt"
	"strconv"
	"strings"
)

// The call form's optional Démarches Simplifiées fieldset: the same demarches_simplifiees
// as POST /api/v1/campaigns, checked by the same rules and against DS the same way.
var dsFormFields = []string{"ds_demarche", "ds_instructeur", "ds_mapping"}

// readDSSource reads the fieldset as the API's demarches_simplifiees: nil when its
// three fields are empty. The mapping is one line per dossier field,
// « champ du dossier = identifiant du champ de la démarche » (a champ ID may end in « = »).
func readDSSource(values map[string]string) (*DSSourceInput, []FieldError) {
	if values["ds_demarche"] == "" && values["ds_instructeur"] == "" && values["ds_mapping"] == "" {
		return nil, nil
	}
	src := &DSSourceInput{InstructeurID: values["ds_instructeur"], Mapping: map[string]string{}}
	var refused []FieldError
	if s := values["ds_demarche"]; s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			src.Demarche = n
		} else {
			refused = append(refused, FieldError{Field: "ds_demarche", Rule: "integer",
				Message: "numéro de démarche attendu : un nombre entier, par exemple 4242"})
		}
	}
	for i, line := range strings.Split(values["ds_mapping"], "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		field, champ, ok := strings.Cut(line, "=")
		field, champ = strings.TrimSpace(field), strings.TrimSpace(champ)
		if !ok || field == "" || champ == "" {
			refused = append(refused, FieldError{Field: "ds_mapping", Rule: "format", Message: fmt.Sprintf(
				"ligne %d : « champ du dossier = identifiant du champ » attendu, par exemple project.title = Q2hhbXAtMQ==", i+1)})
			continue
		}
		src.Mapping[field] = champ
	}
	return src, refused
}

// dsFormFieldOf is the fieldset's field an API refusal of demarches_simplifiees names,
// and its message, which names the dossier field for a mapping's refusal.
func dsFormFieldOf(e FieldError) (field, message string, ok bool) {
	switch {
	case !strings.HasPrefix(e.Field, dsField):
		return "", "", false
	case strings.HasPrefix(e.Field, dsField+".instructeur_id"):
		return "ds_instructeur", e.Message, true
	case strings.HasPrefix(e.Field, dsField+".mapping."):
		return "ds_mapping", strings.TrimPrefix(e.Field, dsField+".mapping.") + " : " + e.Message, true
	case strings.HasPrefix(e.Field, dsField+".mapping"):
		return "ds_mapping", e.Message, true
	default:
		return "ds_demarche", e.Message, true
	}
}
