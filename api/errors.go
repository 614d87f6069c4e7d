// Package api is the HTTP API of the engine (gin). Handlers are thin: they bind
// and validate, call the service layer, and map its result to HTTP in one place.
package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/store"
)

// FieldError names one field of a request and the rule it breaks, in French.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Problem is the one JSON error shape of the API.
type Problem struct {
	Status  int          `json:"-"`
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

func (p *Problem) Error() string { return p.Code + ": " + p.Message }

// ValidationProblem is a 422 listing every failing field.
func ValidationProblem(fields []FieldError) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "La demande ne respecte pas les règles : voir le détail par champ.", Fields: fields}
}

var (
	errNotFound      = &Problem{Status: http.StatusNotFound, Code: "not_found", Message: "Ressource introuvable."}
	errMalformedJSON = &Problem{Status: http.StatusBadRequest, Code: "malformed_json",
		Message: "Le corps de la requête n'est pas un objet JSON valide."}
	errTooLarge = &Problem{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
		Message: "Le corps de la requête dépasse la taille autorisée."}
	errIdempotencyReuse = &Problem{Status: http.StatusConflict, Code: "idempotency_key_reused",
		Message: "Cette clé Idempotency-Key a déjà servi pour une requête différente."}
	errEngineUnavailable = &Problem{Status: http.StatusServiceUnavailable, Code: "engine_unavailable",
		Message: "Le moteur de workflows est momentanément indisponible ; rien n'a été enregistré, réessayez."}
	errRecordRefused = &Problem{Status: http.StatusUnprocessableEntity, Code: "record_refused",
		Message: "Une valeur de la demande ne peut pas être enregistrée ; rien n'a été enregistré : corrigez la demande et renvoyez-la."}
	errRecordDuplicate = &Problem{Status: http.StatusConflict, Code: "already_recorded",
		Message: "Un enregistrement identique existe déjà ; rien n'a été enregistré."}
	errInternal = &Problem{Status: http.StatusInternalServerError, Code: "internal_error",
		Message: "Erreur interne ; l'incident est journalisé."}
)

// respondError writes err as a Problem; anything unexpected is a logged 500.
// It is the one place an error becomes an HTTP answer: the service layer turns
// the errors of the store and of Temporal into Problems with the helpers below.
func respondError(c *gin.Context, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		_ = c.Error(err)
		p = errInternal
	}
	c.AbortWithStatusJSON(p.Status, gin.H{"error": p})
}

// storeError is the API's answer to an error of the store: a missing record is a 404.
func storeError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	return err
}

// workflowEnded reports whether Temporal found no running workflow to reach
// (serviceerror.NotFound): it has ended, and takes no more signals or Updates.
func workflowEnded(err error) bool {
	var gone *serviceerror.NotFound
	return errors.As(err, &gone)
}

// alreadyStarted reports whether a start found a workflow with the same ID
// that the ID reuse policy does not let start again (it has ended).
func alreadyStarted(err error) bool {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started)
}

// workflowRefusal is the application error a workflow refused a command with
// (an Update's validator or handler), or nil.
func workflowRefusal(err error) *temporal.ApplicationError {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr
	}
	return nil
}
