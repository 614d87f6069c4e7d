package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

// UpdateSignConvention records the signature of a retained dossier's convention.
// Refused (ErrTypeConventionNotAwaiting) unless the convention awaits its signature.
const UpdateSignConvention = "sign-convention"

// ErrTypeConventionNotAwaiting: the convention is not (or no longer) awaiting a signature.
const ErrTypeConventionNotAwaiting = "ConventionNotAwaiting"

// Signature is who signed the convention for the association, and who sent it
// (the audit entry's actor: the token's name, or the association through its link).
type Signature struct {
	SignedBy string
	Actor    models.Actor
}

// conventionStep is one deadline of the signature schedule.
type conventionStep struct {
	after    time.Duration
	reminder int // 1, 2…; 0 for the correspondent's warning or the lapse
	lapse    bool
}

// carryConvention sends the retained dossier's convention for signature, then
// reminds the association, warns the correspondent and finally lets it lapse,
// unless the signature arrives first (§8.4, annex 1).
func carryConvention(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) error {
	var plan activities.ConventionPlan
	if err := workflow.ExecuteActivity(ctx, acts.PrepareConvention, ref).Get(ctx, &plan); err != nil {
		return err
	}
	sentAt := workflow.Now(ctx)
	cref := activities.ConventionRef{ApplicationRef: ref, SentAt: sentAt, LapseAt: sentAt.Add(plan.LapseAfter)}
	st.ConventionID, st.Convention = plan.ConventionID, models.ConventionAwaitingSignature
	var signing oneAtATime
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSignConvention,
		func(ctx workflow.Context, s Signature) error {
			return signing.decide(ctx, func() error { return validateSignature(s, st) },
				func() error { return recordSignature(ctx, plan.ConventionID, s, st) })
		},
		workflow.UpdateHandlerOptions{Validator: func(s Signature) error { return validateSignature(s, st) }},
	); err != nil {
		return err
	}
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	sendMail(mailCtx, acts.SendConventionForSignature, cref, "convention")

	for _, step := range signatureSchedule(plan) {
		done, err := workflow.AwaitWithTimeout(ctx, sentAt.Add(step.after).Sub(workflow.Now(ctx)), func() bool {
			return st.Convention != models.ConventionAwaitingSignature || st.cancelled()
		})
		if err != nil {
			return err
		}
		if done {
			break
		}
		switch {
		case step.lapse:
			// The lapse and a signature arriving at the same moment: one wins.
			err := signing.decide(ctx, func() error { return awaitingSignature(st) }, func() error {
				if err := workflow.ExecuteActivity(mailCtx, acts.LapseConvention, cref).Get(ctx, nil); err != nil {
					return err
				}
				st.Convention = models.ConventionLapsed
				return nil
			})
			if err != nil && !isRefusal(err, ErrTypeConventionNotAwaiting) {
				return err
			}
		case step.reminder > 0:
			reminder := cref
			reminder.Reminder = step.reminder
			sendMail(mailCtx, acts.RemindConventionSignature, reminder, "convention reminder")
		default:
			sendMail(mailCtx, acts.WarnConventionUnsigned, cref, "unsigned convention warning")
		}
	}
	// A signature being recorded finishes before the workflow does.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	if st.Convention == models.ConventionSigned {
		sendMail(mailCtx, acts.ConfirmConventionSigned, cref, "signature confirmation")
	}
	return nil
}

func signatureSchedule(plan activities.ConventionPlan) []conventionStep {
	steps := make([]conventionStep, 0, len(plan.RemindersAfter)+2)
	for i, after := range plan.RemindersAfter {
		steps = append(steps, conventionStep{after: after, reminder: i + 1})
	}
	return append(steps, conventionStep{after: plan.WarnCorrespondentAfter}, conventionStep{after: plan.LapseAfter, lapse: true})
}

func validateSignature(s Signature, st *ApplicationState) error {
	if err := refuseBadText(text{"signed_by", s.SignedBy}); err != nil {
		return err
	}
	if err := awaitingSignature(st); err != nil {
		return err
	}
	if strings.TrimSpace(s.SignedBy) == "" {
		return temporal.NewApplicationError("signed_by : indiquez qui signe pour l'association", ErrTypeConventionNotAwaiting)
	}
	return nil
}

// awaitingSignature refuses (ErrTypeConventionNotAwaiting) unless the convention awaits its signature.
func awaitingSignature(st *ApplicationState) error {
	if st.Convention != models.ConventionAwaitingSignature || st.cancelled() {
		return temporal.NewApplicationError("la convention n'attend pas de signature (état : "+st.Convention+")", ErrTypeConventionNotAwaiting)
	}
	return nil
}

func recordSignature(ctx workflow.Context, conventionID string, s Signature, st *ApplicationState) error {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	rec := activities.SignatureRecord{ConventionID: conventionID, SignedBy: strings.TrimSpace(s.SignedBy), At: workflow.Now(ctx), Actor: s.Actor}
	if err := workflow.ExecuteActivity(ctx, acts.RecordConventionSigned, rec).Get(ctx, nil); err != nil {
		if isConflict(err) {
			return temporal.NewApplicationError("la convention n'attend plus de signature", ErrTypeConventionNotAwaiting)
		}
		return err
	}
	st.Convention = models.ConventionSigned
	return nil
}

// sendMail runs an email activity; a failure is logged, the dossier goes on.
func sendMail(ctx workflow.Context, activity any, ref activities.ConventionRef, what string) {
	if err := workflow.ExecuteActivity(ctx, activity, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn(what+" not delivered", "application", ref.ApplicationID, "error", err)
	}
}
