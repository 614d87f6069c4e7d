package activities

import (
	"context"
	"errors"
	"time"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
)

// CTAIRef names a CTAI request and its workflow; the request is read from the database.
type CTAIRef struct {
	RequestID  string
	WorkflowID string
}

// CTAIEvaluation asks for a request's evaluation under the ceilings copied at start.
type CTAIEvaluation struct {
	CTAIRef
	Rules policy.CTAI
}

// CTAIOpinion is the evaluation's result: the opinion and how many rules failed.
type CTAIOpinion struct {
	Opinion string
	Failed  int
}

// EvaluateCTAI applies the rules of §3 to the request and records the opinion
// with each rule's outcome. Evaluating again writes the same values.
func (a *Activities) EvaluateCTAI(ctx context.Context, in CTAIEvaluation) (CTAIOpinion, error) {
	r, err := a.CTAI.Get(ctx, in.RequestID)
	if err != nil {
		return CTAIOpinion{}, storeError(err)
	}
	ev := ctai.Evaluate(r.Request(), in.Rules)
	if err := a.CTAI.RecordOpinion(ctx, r.ID, ev, time.Now()); err != nil {
		return CTAIOpinion{}, storeError(err)
	}
	out := CTAIOpinion{Opinion: ev.Opinion}
	for _, o := range ev.Outcomes {
		if !o.Passed {
			out.Failed++
		}
	}
	return out, nil
}

// NotifyCTAIOpinion emails the recorded opinion, with each rule's outcome, to
// the collectivité (answers go to the correspondent), the correspondent and
// DIAN, each once. A retry sends only what did not leave.
func (a *Activities) NotifyCTAIOpinion(ctx context.Context, ref CTAIRef) error {
	r, err := a.CTAI.Get(ctx, ref.RequestID)
	if err != nil {
		return storeError(err)
	}
	label := territory.Label(r.Territory, false)
	data := mail.CTAIOpinionData{
		RequestID: r.ID, CollectiviteName: r.CollectiviteName, Year: r.Year, KindLabel: ctai.KindLabel(r.Kind),
		TerritoryLabel: label, FiledAt: r.FiledAt, RequestedCents: r.RequestedCents,
		Favourable: r.Opinion == ctai.OpinionFavourable,
		ReplyTo:    r.CorrespondentEmail, SenderLabel: "au correspondant intégration, " + label,
	}
	for _, o := range r.Outcomes {
		data.Outcomes = append(data.Outcomes, mail.CTAIRuleOutcome{Label: ctai.RuleLabel(o.Rule), Passed: o.Passed, Message: o.Message})
	}
	content, err := mail.Render(mail.TemplateCTAIOpinion, data)
	if err != nil {
		return err
	}
	recipients := []struct{ role, to, replyTo string }{
		{"collectivite", r.CollectiviteEmail, r.CorrespondentEmail},
		{"correspondent", r.CorrespondentEmail, ""},
		{"dian", a.DIANEmail, ""},
	}
	var transient, refused []error
	for _, rc := range recipients {
		if rc.to == "" {
			continue
		}
		err := a.Outbox.Deliver(ctx, mail.Envelope{
			Key: ref.WorkflowID + "/ctai-opinion/" + rc.role, Purpose: mail.TemplateCTAIOpinion,
			To: rc.to, ReplyTo: rc.replyTo, Content: content,
		})
		switch {
		case err == nil:
		case mail.IsPermanent(err):
			refused = append(refused, err)
		default:
			transient = append(transient, err)
		}
	}
	if len(transient) > 0 {
		// Retried: what left already is not sent again (the outbox's keys).
		return errors.Join(transient...)
	}
	return deliveryError(errors.Join(refused...))
}
