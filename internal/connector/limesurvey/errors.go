package limesurvey

import (
	"errors"
	"strings"
)

// Kinds of failure.
const (
	KindUnavailable = "unavailable" // no answer, not HTTP 200: retry
	KindRefused     = "refused"     // a status LimeSurvey answers again: credentials, permission, survey
)

// Error is a failed call; Status is LimeSurvey's own status string when it gave one.
type Error struct {
	Kind   string
	Status string
}

func (e *Error) Error() string { return "LimeSurvey (" + e.Kind + ") : " + e.Message() }

// Message says the status in French, for the PNE's state.
func (e *Error) Message() string {
	switch {
	case e.Status == "Invalid user name or password":
		return "identifiant ou mot de passe refusé (AAP_LIMESURVEY_USER, AAP_LIMESURVEY_PASSWORD)"
	case strings.EqualFold(e.Status, "Invalid session key"):
		return "clé de session refusée"
	case e.Status == "No permission" || e.Status == "Permission denied.":
		return "l'utilisateur n'a pas les droits sur les participants du questionnaire"
	case strings.HasPrefix(e.Status, "Error: Invalid survey ID"):
		return "questionnaire inconnu (AAP_LIMESURVEY_SURVEY_ID)"
	case strings.Contains(e.Status, "participants table") || strings.Contains(e.Status, "token table"):
		return "le questionnaire n'a pas de table de participants : activez-la dans LimeSurvey"
	}
	return e.Status
}

// statusError turns a status string into an error: each is refused (retrying changes nothing).
func statusError(status string) error { return &Error{Kind: KindRefused, Status: status} }

// IsNoParticipants reports list_participants' answer for an empty page.
func IsNoParticipants(err error) bool {
	var e *Error
	return errors.As(err, &e) && strings.HasPrefix(e.Status, "No survey participants found") || errors.As(err, &e) && e.Status == "No Tokens found"
}

// KindOf returns the kind of a LimeSurvey error, or KindUnavailable.
func KindOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnavailable
}
