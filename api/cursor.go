package api

import (
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/dian-p104/aap/internal/store"
)

// A call's dossier list pages by keyset: next_cursor names the page's last dossier,
// and ?cursor= starts the next page just after it, in filing order. A deep page then
// costs what the first does (OFFSET read and skipped every earlier dossier), and a
// walk returns each dossier once though dossiers are filed meanwhile. The cursor is
// opaque to clients: the dossier's UUID, base64url without padding (22 characters).

// encodeCursor is the cursor starting the page after dossier id.
func encodeCursor(id string) string {
	u, err := uuid.Parse(id)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(u[:])
}

// decodeCursor reads a cursor back into the dossier's ID.
func decodeCursor(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) != 16 {
		return "", errBadCursor
	}
	u, err := uuid.FromBytes(b)
	if err != nil {
		return "", errBadCursor
	}
	return u.String(), nil
}

// errBadCursor answers a cursor that is not one the API gave, or that names no
// dossier of the call: a 400 that changes nothing.
var errBadCursor = &Problem{Status: http.StatusBadRequest, Code: "invalid_cursor",
	Message: "Le curseur de pagination n'est pas valide : reprenez la liste depuis sa première page.",
	Fields: []FieldError{{Field: "cursor", Rule: "cursor",
		Message: "cursor : indiquez la valeur next_cursor d'une page précédente de la liste de cet appel"}}}

// errCursorWithPage: a cursor already says where the page starts.
var errCursorWithPage = &Problem{Status: http.StatusBadRequest, Code: "invalid_cursor",
	Message: "cursor et page ne se combinent pas : le curseur dit déjà où la page commence.",
	Fields:  []FieldError{{Field: "cursor", Rule: "exclusive", Message: "cursor : ne l'indiquez pas avec page"}}}

// cursorError maps the store's refusal of a cursor to errBadCursor.
func cursorError(err error) error {
	if errors.Is(err, store.ErrUnknownCursor) {
		return errBadCursor
	}
	return err
}
