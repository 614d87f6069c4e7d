package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// CTAIRef names a CTAI request and its workflow; the request is read from the database.
type CTAIRef struct {
	RequestID  string
	WorkflowID string
}

// CTAIEvaluation asks for a request's proposal under the ceilings copied at start.
type CTAIEvaluation struct {
	CTAIRef
	Rules policy.CTAI
}

// ProposeCTAI applies the rules of §3 to the request, computes the coherence
// figures (the year's envelope used so far read now) and records the proposal
// for DIAN. Proposing again returns the proposal recorded.
func (a *Activities) ProposeCTAI(ctx context.Context, in CTAIEvaluation) (ctai.Proposal, error) {
	r, err := a.CTAI.Get(ctx, in.RequestID)
	if err != nil {
		return ctai.Proposal{}, storeError(err)
	}
	if r.State != models.CTAIFiled {
		return r.Proposal(), nil
	}
	used, err := a.CTAI.EnvelopeUsed(ctx, r.Year, r.ID)
	if err != nil {
		return ctai.Proposal{}, err
	}
	p := ctai.Propose(r.Request(), in.Rules, used)
	if err := a.CTAI.RecordProposal(ctx, r.ID, p, time.Now()); err != nil {
		return ctai.Proposal{}, storeError(err)
	}
	return p, nil
}

// CTAIDecisionRecord is DIAN's opinion to record, with the agent who gave it.
type CTAIDecisionRecord struct {
	CTAIRef
	Decision ctai.Decision
	Actor    models.Actor
	At       time.Time
	// EnvelopeCents is the year's national CTAI envelope (0: not set), checked
	// again in the transaction that records a favourable opinion.
	EnvelopeCents int64
}

// ErrTypeCTAIEnvelopeExceeded refuses a favourable opinion without motivation
// that, with the opinions recorded meanwhile, would pass the year's envelope;
// its details are the envelope's used cents read then (CTAIEnvelopeUse).
const ErrTypeCTAIEnvelopeExceeded = "CTAIEnvelopeExceeded"

// CTAIEnvelopeUse is what the year's other favourable opinions delegated when
// an opinion was refused for passing the envelope.
type CTAIEnvelopeUse struct {
	UsedCents int64
}

// RecordCTAIOpinion records DIAN's opinion with the agent in the audit trail,
// in one transaction; a request decided meanwhile is a non-retryable Conflict,
// an opinion passing the envelope without motivation (checked in the same
// transaction, §3.5) a non-retryable CTAIEnvelopeExceeded.
func (a *Activities) RecordCTAIOpinion(ctx context.Context, in CTAIDecisionRecord) error {
	err := a.CTAI.RecordDecision(withActor(ctx, in.Actor), in.RequestID, in.Decision, in.EnvelopeCents, in.At)
	var exceeded *store.EnvelopeExceededError
	if errors.As(err, &exceeded) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeCTAIEnvelopeExceeded, err,
			CTAIEnvelopeUse{UsedCents: exceeded.UsedCents})
	}
	return storeError(err)
}

// NotifyCTAIOpinion emails DIAN's recorded opinion (the amount delegated or
// the motivation), with each rule's outcome, to
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
		TerritoryLabel: label, FiledAt: r.FiledAt, RequestedCents: r.Request().StateFundingCents(),
		Favourable: r.Opinion == ctai.OpinionFavourable, DelegatedCents: r.DelegatedCents, Motivation: r.Motivation,
		ReplyTo: r.CorrespondentEmail, SenderLabel: "au correspondant intégration, " + label,
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
