package mail

// Emails of the Plan national d'évaluation (PNE, §8.4): the questionnaire, its reminders and the
// list of structures asked.

import "time"

const (
	// TemplatePNEInvitation sends a structure the questionnaire.
	TemplatePNEInvitation = "pne_invitation"
	// TemplatePNEReminder reminds a structure that has not answered.
	TemplatePNEReminder = "pne_reminder"
)

// PNEData is the data of the invitation and reminder templates.
type PNEData struct {
	AssociationName string
	Year            int
	FundedYear      int
	FundedActions   int
	SurveyLink      string
	// AnswerLink lets the structure declare it answered; "" without one.
	AnswerLink string
	CloseAt    time.Time
	Reminder   int
	// ReplyTo and SenderLabel stay empty: DIAN sends the questionnaire, no correspondent answers it.
	ReplyTo     string
	SenderLabel string
}

// TemplatePNEList sends DIAN and each correspondent the list of structures asked.
const TemplatePNEList = "pne_list"

// PNEListData is the data of the list sent to DIAN and to each correspondent.
type PNEListData struct {
	Year       int
	FundedYear int
	ScopeLabel string
	Structures int
	Problems   []PNEListProblem
	// ReplyTo and SenderLabel stay empty: the list is automatic, nobody answers it.
	ReplyTo     string
	SenderLabel string
}

// PNEListProblem is a structure of the list a correspondent must fix.
type PNEListProblem struct {
	AssociationName string
	Message         string
}
