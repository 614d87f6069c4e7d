package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/connector/limesurvey"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
)

// ErrTypeLimeSurveyRefused marks a status LimeSurvey answers again (credentials, permission,
// survey unknown): retrying cannot help. ErrTypeLimeSurveyUnavailable: retried.
const (
	ErrTypeLimeSurveyRefused     = "LimeSurveyRefused"
	ErrTypeLimeSurveyUnavailable = "LimeSurveyUnavailable"
)

// participantsBatch is how many structures one add_participants call carries.
const participantsBatch = 200

// RegisterPNEParticipants adds each structure of the year's list to the LimeSurvey survey
// with the engine's token, so the emailed link (?token=…) opens its own questionnaire;
// its name, region and department go as the participant's name and attributes 1 and 2.
// A structure already there is left as it is, so a retry adds nobody twice.
func (a *Activities) RegisterPNEParticipants(ctx context.Context, ref PNERef) (int, error) {
	rows, err := a.PNE.List(ctx, ref.Year)
	if err != nil {
		return 0, storeError(err)
	}
	added := 0
	for start := 0; start < len(rows); start += participantsBatch {
		batch := rows[start:min(start+participantsBatch, len(rows))]
		ps := make([]limesurvey.Participant, len(batch))
		for i, r := range batch {
			ps[i] = limesurvey.Participant{Token: r.Token, FirstName: r.AssociationName, Email: r.Email,
				Region: r.Region, Department: r.Department}
		}
		n, err := a.LimeSurvey.AddParticipants(ctx, a.LimeSurveyID, ps)
		if err != nil {
			return added, limeSurveyError(err)
		}
		added += n
	}
	a.log(ctx).Info("PNE participants added to LimeSurvey", "year", ref.Year, "structures", len(rows), "added", added)
	return added, nil
}

// SyncPNECompletions reads who completed the questionnaire on LimeSurvey and records
// their answers through the same store path as the CSV import; a participant that is
// none of the year's structures is left aside. It returns how many answers were new.
func (a *Activities) SyncPNECompletions(ctx context.Context, ref PNERef) (int, error) {
	done, err := a.LimeSurvey.Completions(ctx, a.LimeSurveyID, french.Paris)
	if err != nil {
		return 0, limeSurveyError(err)
	}
	rows, err := a.PNE.List(ctx, ref.Year)
	if err != nil {
		return 0, storeError(err)
	}
	ours := make(map[string]bool, len(rows))
	for _, r := range rows {
		ours[r.Token] = r.AnsweredAt == nil
	}
	var answers []store.PNEImportRow
	for i, c := range done {
		unanswered, known := ours[c.Token]
		if !known || !unanswered {
			continue
		}
		at := time.Now()
		if c.CompletedAt != nil {
			at = *c.CompletedAt
		}
		answers = append(answers, store.PNEImportRow{Line: i + 1, Token: c.Token, AnsweredAt: at})
	}
	if len(answers) == 0 {
		return 0, nil
	}
	recorded, _, err := a.PNE.ImportAnswersFrom(ctx, ref.Year, answers, store.AnswerByLimeSurvey, store.PNEClosure{})
	a.log(ctx).Info("PNE answers read from LimeSurvey", "year", ref.Year, "completed", len(done), "recorded", recorded)
	return recorded, storeError(err)
}

func limeSurveyError(err error) error {
	if limesurvey.KindOf(err) == limesurvey.KindRefused {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeLimeSurveyRefused, err)
	}
	return temporal.NewApplicationError(err.Error(), ErrTypeLimeSurveyUnavailable, err)
}
