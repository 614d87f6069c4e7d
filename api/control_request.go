package api

import (
	"encoding/json"
	"strings"

	"github.com/google/uuid"

	"github.com/dian-p104/aap/models"
)

// PlanRequest is the body of POST /api/v1/controls.
type PlanRequest struct {
	// ConventionID names a signed convention; or CTAIRequestID and AssociationKey an
	// association a CTAI funded (§8.5), as the candidates give them.
	ConventionID   string `json:"convention_id"`
	CTAIRequestID  string `json:"ctai_request_id"`
	AssociationKey string `json:"association_key"`
	// PlannedOn is the visit's Paris calendar date, "2027-06-15".
	PlannedOn  string `json:"planned_on"`
	Controller string `json:"controller"`
}

// plannedSubject is what a control request names, trimmed.
type plannedSubject struct {
	ConventionID, CTAIRequestID, AssociationKey string
}

// isCTAI: the request names an association funded through a CTAI.
func (p plannedSubject) isCTAI() bool { return p.CTAIRequestID != "" || p.AssociationKey != "" }

// check trims the request and checks it against today's Paris date: one subject
// (a convention, or a CTAI and one of its associations), a date not past, a controller.
func (req PlanRequest) check(today string) (subject plannedSubject, controller string, fields []FieldError) {
	v := &validation{}
	subject = plannedSubject{strings.TrimSpace(req.ConventionID), strings.TrimSpace(req.CTAIRequestID), strings.TrimSpace(req.AssociationKey)}
	controller = strings.TrimSpace(req.Controller)
	switch {
	case subject.ConventionID != "" && subject.isCTAI():
		v.add("convention_id", "one_subject", "une convention ou une association financée via un CTAI (ctai_request_id et association_key), pas les deux")
	case subject.isCTAI():
		if _, err := uuid.Parse(subject.CTAIRequestID); err != nil {
			v.add("ctai_request_id", "format", "identifiant de la demande CTAI (UUID) attendu, avec association_key")
		}
		if subject.AssociationKey == "" {
			v.add("association_key", "required", "clé de l'association financée via ce CTAI (association_key d'un candidat au contrôle)")
		} else if len(subject.AssociationKey) > 80 {
			v.add("association_key", "max_length", "au plus 80 caractères")
		}
	case subject.ConventionID == "":
		v.add("convention_id", "required", "champ obligatoire (ou, pour une association financée via un CTAI, ctai_request_id et association_key)")
	default:
		if _, err := uuid.Parse(subject.ConventionID); err != nil {
			v.add("convention_id", "format", "identifiant de convention (UUID) attendu")
		}
	}
	if checkDate(v, "planned_on", req.PlannedOn); !v.has("planned_on") && req.PlannedOn < today {
		v.add("planned_on", "not_past", "la date du contrôle ne peut pas être passée (aujourd'hui : %s)", today)
	}
	checkText(v, "controller", controller, 2, 300)
	return subject, controller, v.errs
}

// FollowUpInput is the follow-up decided after a control.
type FollowUpInput struct {
	// Kind is aucune, reversement or mesures_correctives.
	Kind string `json:"kind"`
	// AmountEUR is the repayment asked (reversement only).
	AmountEUR json.Number `json:"amount_eur"`
}

// ResultRequest is the body of POST /api/v1/controls/{id}/result.
type ResultRequest struct {
	Outcome  string `json:"outcome"`
	Findings string `json:"findings"`
	// DoneOn defaults to today; the control cannot be held before its planned date nor in the future.
	DoneOn   string         `json:"done_on"`
	FollowUp *FollowUpInput `json:"follow_up"`
}

// check reads the result of a control planned as ctl, held by today's Paris
// date; a repayment is at most what the subject received, funded.
func (req ResultRequest) check(today string, ctl *models.Control, funded subjectFunding) (*models.Control, []FieldError) {
	v := &validation{}
	r := &models.Control{Outcome: strings.TrimSpace(req.Outcome), Findings: strings.TrimSpace(req.Findings), DoneOn: req.DoneOn}
	switch r.Outcome {
	case models.OutcomeCompliant, models.OutcomeNonCompliant:
	case "":
		v.add("outcome", "required", "champ obligatoire : conforme ou non_conforme")
	default:
		v.add("outcome", "enum", "valeurs possibles : conforme, non_conforme")
	}
	checkText(v, "findings", r.Findings, 2, 5000)
	if r.DoneOn == "" {
		r.DoneOn = today
	}
	if checkDate(v, "done_on", r.DoneOn); !v.has("done_on") {
		switch {
		case r.DoneOn > today:
			v.add("done_on", "not_future", "un contrôle ne peut pas être enregistré avant d'avoir eu lieu (aujourd'hui : %s)", today)
		case r.DoneOn < ctl.PlannedOn:
			v.add("done_on", "before_planned", "le contrôle était prévu le %s : il ne peut pas avoir eu lieu avant", frenchDay(ctl.PlannedOn))
		}
	}
	f := FollowUpInput{Kind: models.FollowUpNone}
	if req.FollowUp != nil {
		f = *req.FollowUp
		f.Kind = strings.TrimSpace(f.Kind)
	}
	r.FollowUpKind, r.FollowUpState = f.Kind, models.FollowUpStateOpen
	switch f.Kind {
	case models.FollowUpNone:
		r.FollowUpState = models.FollowUpStateNone
		if r.Outcome == models.OutcomeNonCompliant {
			v.add("follow_up.kind", "required_if_non_conforme", "un contrôle non conforme appelle une suite : reversement ou mesures_correctives")
		}
	case models.FollowUpRepayment:
		if f.AmountEUR == "" {
			v.add("follow_up.amount_eur", "required", "montant du reversement demandé, en euros")
		} else if cents := checkEuros(v, "follow_up.amount_eur", f.AmountEUR); cents > funded.cents {
			v.add("follow_up.amount_eur", "max", "au plus %s (%s)", funded.label, formatEuros(funded.cents))
		} else {
			r.FollowUpAmountCents = cents
		}
	case models.FollowUpCorrective:
	case "":
		v.add("follow_up.kind", "required", "champ obligatoire : aucune, reversement ou mesures_correctives")
	default:
		v.add("follow_up.kind", "enum", "valeurs possibles : aucune, reversement, mesures_correctives")
	}
	if f.Kind != models.FollowUpRepayment && f.AmountEUR != "" {
		v.add("follow_up.amount_eur", "forbidden", "un montant n'est attendu que pour un reversement")
	}
	return r, v.errs
}

// FollowUpRequest is the body of POST /api/v1/controls/{id}/follow-up.
type FollowUpRequest struct {
	// Status is in_progress or closed (soldée).
	Status string `json:"status"`
	Note   string `json:"note"`
	// RecoveredEUR is what the association repaid (reversement, when closed).
	RecoveredEUR json.Number `json:"recovered_eur"`
	// ClosedOn defaults to today when the status is closed.
	ClosedOn string `json:"closed_on"`
}

// check reads a follow-up's new state for the control ctl by today's Paris
// date: the status, the amount recovered, and the columns to update.
func (req FollowUpRequest) check(today string, ctl *models.Control) (status string, recovered int64, updates map[string]any, fields []FieldError) {
	v := &validation{}
	status, note := strings.TrimSpace(req.Status), strings.TrimSpace(req.Note)
	switch status {
	case models.FollowUpStateInProgress, models.FollowUpStateClosed:
	case "":
		v.add("status", "required", "champ obligatoire : in_progress ou closed")
	default:
		v.add("status", "enum", "valeurs possibles : in_progress (suite en cours), closed (suite soldée)")
	}
	if len([]rune(note)) > 2000 {
		v.add("note", "max_length", "au plus 2000 caractères")
	}
	updates = map[string]any{"follow_up_state": status}
	if note != "" {
		updates["follow_up_note"] = note
	}
	if req.RecoveredEUR != "" {
		switch {
		case status != models.FollowUpStateClosed:
			v.add("recovered_eur", "forbidden", "le montant recouvré s'indique quand la suite est soldée")
		case ctl.FollowUpKind != models.FollowUpRepayment:
			v.add("recovered_eur", "forbidden", "un montant recouvré n'a de sens que pour un reversement")
		default:
			if recovered = checkEurosAllowZero(v, "recovered_eur", req.RecoveredEUR); recovered > ctl.FollowUpAmountCents {
				v.add("recovered_eur", "max", "au plus le reversement demandé (%s)", formatEuros(ctl.FollowUpAmountCents))
			}
			updates["recovered_cents"] = recovered
		}
	}
	if req.ClosedOn != "" && status != models.FollowUpStateClosed {
		v.add("closed_on", "forbidden", "une date de clôture s'indique quand la suite est soldée")
	}
	if status == models.FollowUpStateClosed {
		closedOn := req.ClosedOn
		if closedOn == "" {
			closedOn = today
		}
		if checkDate(v, "closed_on", closedOn); !v.has("closed_on") {
			if closedOn > today {
				v.add("closed_on", "not_future", "la date de clôture ne peut pas être dans le futur")
			} else if closedOn < ctl.DoneOn {
				v.add("closed_on", "before_control", "la suite ne peut pas être soldée avant le contrôle (%s)", frenchDay(ctl.DoneOn))
			}
		}
		updates["follow_up_closed_on"] = closedOn
	}
	return status, recovered, updates, v.errs
}
