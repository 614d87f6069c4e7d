package activities

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/dian-p104/aap/internal/auth"

	"go.temporal.io/sdk/activity"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

// PNERef names a year's PNE and its workflow; the structures are read from the
// database, so no list of recipients rides in the workflow's history.
type PNERef struct {
	Year       int
	WorkflowID string
}

// PNEListSummary counts the list drawn up and its problems (no email, a shared email).
type PNEListSummary struct {
	Structures     int
	MissingEmail   int
	DuplicateEmail int
}

// BuildPNEList draws up the year's list of structures funded the year before (§8.4).
// It heartbeats throughout (drawing the list and emailing one XLSX per correspondent may take
// minutes): a worker dying mid-way is replaced within seconds, and the retried attempt sends
// only the lists the outbox has not recorded as sent.
func (a *Activities) BuildPNEList(ctx context.Context, ref PNERef) (PNEListSummary, error) {
	rows, err := a.PNE.BuildList(ctx, ref.Year)
	if err != nil {
		return PNEListSummary{}, err
	}
	sum := PNEListSummary{Structures: len(rows)}
	for _, p := range store.PNEProblems(rows) {
		switch p.Rule {
		case store.PNEEmailMissing:
			sum.MissingEmail++
		case store.PNEEmailDuplicate:
			sum.DuplicateEmail++
		}
	}
	return sum, a.sendPNEList(ctx, ref, rows)
}

// sendPNEList emails the list as an XLSX file (§8.4: name, number of funded
// actions, one unique email) to DIAN, whole, and to each correspondent, for its
// territory, with the structures to fix before the questionnaire leaves. Each
// email has its key: a retried activity sends only what did not leave. A
// refused address is logged and does not hold the year's PNE up.
func (a *Activities) sendPNEList(ctx context.Context, ref PNERef, rows []models.PNEStructure) error {
	if len(rows) == 0 {
		return nil
	}
	type list struct {
		role, to, scope string
		rows            []models.PNEStructure
	}
	lists := []list{{"dian", a.DIANEmail, "France entière", rows}}
	correspondents, err := a.PNE.Correspondents(ctx, ref.Year)
	if err != nil {
		return err
	}
	for _, c := range correspondents {
		if mine := c.Of(rows); len(mine) > 0 {
			lists = append(lists, list{c.Level + "-" + c.Territory, c.Email, territory.Label(c.Territory, c.Level == models.LevelRegional), mine})
		}
	}
	for _, l := range lists {
		if l.to == "" {
			continue
		}
		problems := store.PNEProblems(l.rows)
		data, err := workbook.PNEList(l.rows, problems)
		if err != nil {
			return err
		}
		email := mail.PNEListData{Year: ref.Year, FundedYear: ref.Year - 1, ScopeLabel: l.scope, Structures: len(l.rows)}
		for _, p := range problems {
			email.Problems = append(email.Problems, mail.PNEListProblem{AssociationName: p.AssociationName, Message: p.Message})
		}
		content, err := mail.Render(mail.TemplatePNEList, email)
		if err != nil {
			return err
		}
		err = a.Outbox.Deliver(ctx, mail.Envelope{
			Key: ref.WorkflowID + "/pne-list/" + l.role, Purpose: mail.TemplatePNEList, To: l.to, Content: content,
			Attachment: &mail.Attachment{Name: fmt.Sprintf("pne-%d-structures.xlsx", ref.Year), ContentType: xlsxContentType, Data: data},
		})
		if err != nil && mail.IsPermanent(err) {
			a.Logger.Warn("PNE list refused by the relay", "year", ref.Year, "recipient_role", l.role, "error", err)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// xlsxContentType is the media type of the XLSX files sent.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// PNEMailing is one mailing of a year's PNE: the invitation (Reminder 0) or a reminder.
type PNEMailing struct {
	PNERef
	Reminder  int
	SurveyURL string
	CloseAt   time.Time
	// PerSecond paces the batch (AAP_MAIL_RATE); 0 sends as fast as the relay takes them.
	PerSecond int
}

// PNEMailingSummary tells what became of a mailing.
type PNEMailingSummary struct {
	Recipients int
	Sent       int
	Refused    int
	NoEmail    int
}

// SendPNEMailing sends the invitation, or a reminder to the structures that
// have not answered yet (read now), as one batch over one SMTP connection, in the
// order of the structures' IDs. Each email has its key (year, mailing, structure): a
// retried attempt sends only what is left. It heartbeats its progress (PNEMailingProgress)
// so that a worker dying mid-batch is noticed within the heartbeat timeout and the next
// attempt resumes after the structures already settled, without even reading their
// outbox rows. Emails the relay could not take this time make the activity fail, and
// Temporal retries it; refusals are recorded and not retried.
func (a *Activities) SendPNEMailing(ctx context.Context, m PNEMailing) (PNEMailingSummary, error) {
	var rows []models.PNEStructure
	var err error
	if m.Reminder == 0 {
		rows, err = a.PNE.List(ctx, m.Year)
	} else {
		rows, err = a.PNE.NonRespondents(ctx, m.Year)
	}
	if err != nil {
		return PNEMailingSummary{}, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	envelopes, ids, sum, err := pneEnvelopes(m, rows, a.associationLink)
	if err != nil {
		return sum, err
	}
	var done PNEMailingProgress
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &done); err != nil {
			done = PNEMailingProgress{} // a heartbeat of another shape: start over, the outbox skips what left
		}
	}
	first := sort.Search(len(ids), func(i int) bool { return ids[i] > done.Through })
	res := a.deliverWithHeartbeats(ctx, envelopes[first:], ids[first:], m.PerSecond, done)
	sum.Sent, sum.Refused = done.Sent+len(res.Sent), done.Refused+len(res.Refused)
	if len(res.Retry) > 0 {
		return sum, fmt.Errorf("%d of %d PNE emails not sent this time (first: %v)", len(res.Retry), len(envelopes), firstError(res.Retry))
	}
	return sum, nil
}

// PNEMailingProgress is a PNE mailing's heartbeat: the email of every structure up to
// Through (a structure ID; the batch goes in increasing IDs) is settled, sent or refused
// for good, Sent and Refused of them. An email that failed for now stops Through: it and
// everything after are tried again by the next attempt.
type PNEMailingProgress struct {
	Through uint64
	Sent    int
	Refused int
}

// deliverWithHeartbeats runs the batch on one connection, heartbeating its progress after
// each email (the worker's keep-alive repeats it in between).
func (a *Activities) deliverWithHeartbeats(ctx context.Context, envelopes []mail.Envelope, ids []uint64, perSecond int, done PNEMailingProgress) mail.BatchResult {
	progress := mailingProgress{done: done}
	return a.Outbox.DeliverBatchReporting(ctx, envelopes, perSecond, func(i int, err error) {
		progress.settle(ids[i], err)
		activity.RecordHeartbeat(ctx, progress.done)
	})
}

// mailingProgress advances a PNE mailing's heartbeat over the emails settled in a row.
type mailingProgress struct {
	done    PNEMailingProgress
	stalled bool // an email failed for now: nothing after it counts as settled
}

// settle records what became of the email of structure id (nil: sent).
func (p *mailingProgress) settle(id uint64, err error) {
	switch {
	case p.stalled:
	case err == nil:
		p.done.Through, p.done.Sent = id, p.done.Sent+1
	case mail.IsPermanent(err):
		p.done.Through, p.done.Refused = id, p.done.Refused+1
	default:
		p.stalled = true
	}
}

// pneEnvelopes renders the mailing's emails, one per structure with an email, each with its
// structure's ID (ids, in the order of rows).
func pneEnvelopes(m PNEMailing, rows []models.PNEStructure, link func(action, item string, expires time.Time) (string, error)) (envelopes []mail.Envelope, ids []uint64, sum PNEMailingSummary, err error) {
	template, purpose := mail.TemplatePNEInvitation, "pne-invitation"
	if m.Reminder > 0 {
		template, purpose = mail.TemplatePNEReminder, fmt.Sprintf("pne-reminder-%d", m.Reminder)
	}
	// The closing date rides along for the structures' agendas, the same event in every email.
	closing := &mail.Attachment{Name: "cloture-pne.ics", ContentType: "text/calendar", Data: mail.Deadline{
		UID:         m.WorkflowID + "/pne-close@aap",
		Summary:     fmt.Sprintf("Clôture du questionnaire PNE %d", m.Year-1), // §8.4: the questionnaire sent in March 2024 is « PNE 2023 »
		Description: "Dernier jour pour répondre au questionnaire du Plan national d'évaluation.",
		Day:         policy.DateOf(m.CloseAt),
	}.ICS(m.CloseAt)}
	for _, r := range rows {
		if r.Email == "" {
			sum.NoEmail++ // reported on the list for a correspondent to fix
			continue
		}
		data := mail.PNEData{
			AssociationName: r.AssociationName, Year: m.Year, FundedYear: m.Year - 1, FundedActions: r.FundedActions,
			SurveyLink: m.SurveyURL + "?token=" + url.QueryEscape(r.Token), CloseAt: m.CloseAt, Reminder: m.Reminder,
		}
		if data.AnswerLink, err = link(auth.LinkPNE, fmt.Sprintf("%d/%d", m.Year, r.ID), m.CloseAt); err != nil {
			return nil, nil, sum, err
		}
		content, err := mail.Render(template, data)
		if err != nil {
			return nil, nil, sum, err
		}
		envelopes = append(envelopes, mail.Envelope{
			Key:     fmt.Sprintf("%s/%s/structure-%d", m.WorkflowID, purpose, r.ID),
			Purpose: template, To: r.Email, Content: content, Attachment: closing,
		})
		ids = append(ids, r.ID)
	}
	sum.Recipients = len(envelopes)
	return envelopes, ids, sum, nil
}

func firstError(m map[string]error) error {
	for _, err := range m {
		return err
	}
	return nil
}

// PNEClosing counts the structures of a closed PNE and those that answered.
type PNEClosing struct {
	Structures int
	Answered   int
}

// ClosePNE records in pne_results whether each structure of the year answered
// (§8.4: from 2025 one missed questionnaire blocks the renewal).
func (a *Activities) ClosePNE(ctx context.Context, ref PNERef) (PNEClosing, error) {
	n, answered, err := a.PNE.Close(ctx, ref.Year)
	return PNEClosing{Structures: n, Answered: answered}, err
}
