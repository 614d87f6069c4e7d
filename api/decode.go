package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/textinput"
)

// maxBodyBytes bounds every JSON body.
const maxBodyBytes = 1 << 20

// bodyLimitKey holds, in a request's gin context, a larger limit than maxBodyBytes for its
// JSON body (int64): a selection's decisions on a call of thousands of dossiers.
const bodyLimitKey = "aap.body_limit"

// readBody reads the request body within the size limit.
func readBody(c *gin.Context) ([]byte, error) {
	limit := int64(maxBodyBytes)
	if v, ok := c.Get(bodyLimitKey); ok {
		limit = v.(int64)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errTooLarge
	}
	return body, err
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// wrong types with a French message naming the field. A body that is not one
// JSON object (an array, a string, null, or an object followed by anything but
// blanks, even a stray "}" or "]") is malformed.
func decodeStrict(body []byte, v any) error {
	if !startsWithObject(body) {
		return errMalformedJSON
	}
	// Before binding, so each refused text is named by its JSON path.
	if refusals := textinput.CheckJSON(body); len(refusals) > 0 {
		return refusedText(refusals)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		// dec.More does not see a stray "}" or "]": ask for one more token.
		if _, next := dec.Token(); next != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return ValidationProblem([]FieldError{{Field: typeErr.Field, Rule: "type",
			Message: fmt.Sprintf("type attendu : %s", frenchType(typeErr.Type))}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return ValidationProblem([]FieldError{{Field: field, Rule: "unknown_field", Message: "champ inconnu"}})
	default:
		return errMalformedJSON
	}
}

// startsWithObject reports whether the first non-blank byte of body opens a JSON object.
func startsWithObject(body []byte) bool {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

// frenchType names the JSON type a Go field expects.
func frenchType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[json.Number]() {
		return "nombre"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "liste"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "nombre"
	case reflect.Bool:
		return "booléen"
	case reflect.Struct, reflect.Map:
		return "objet"
	default:
		return "chaîne de caractères"
	}
}

// bindJSON reads and strictly decodes the body into v, answering the error itself when it fails.
func bindJSON(c *gin.Context, v any) ([]byte, bool) {
	body, err := readBody(c)
	if err == nil {
		err = decodeStrict(body, v)
	}
	if err != nil {
		respondError(c, err)
		return nil, false
	}
	return body, true
}

// refusedText is the API's 422 for texts refused at the door (textinput).
func refusedText(refusals []textinput.Refusal) *Problem {
	fields := make([]FieldError, len(refusals))
	for i, r := range refusals {
		fields[i] = FieldError{Field: r.Field, Rule: r.Rule, Message: r.Message}
	}
	return ValidationProblem(fields)
}

// refuseInput answers a request whose parameters hold a refused text (textinput.Middleware).
func refuseInput(c *gin.Context, refusals []textinput.Refusal) {
	respondError(c, refusedText(refusals))
}
