package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxBodyBytes bounds every JSON body.
const maxBodyBytes = 1 << 20

// readBody reads the request body within the size limit.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errTooLarge
	}
	return body, err
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// wrong types with a French message naming the field.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return ValidationProblem([]FieldError{{Field: typeErr.Field, Rule: "type",
			Message: fmt.Sprintf("type attendu : %s", frenchType(typeErr.Type.String()))}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return ValidationProblem([]FieldError{{Field: field, Rule: "unknown_field", Message: "champ inconnu"}})
	default:
		return &Problem{Status: http.StatusBadRequest, Code: "malformed_json",
			Message: "Le corps de la requête n'est pas un objet JSON valide."}
	}
}

func frenchType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "liste"
	case strings.HasPrefix(goType, "int"), goType == "json.Number":
		return "nombre"
	default:
		return "chaîne de caractères"
	}
}
