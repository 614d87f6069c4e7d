package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// pneBlock is the PNE renewal block the campaign's rule puts on the dossier now,
// nil when none (§8.4). A questionnaire of the rule's years not closed yet, on
// whose list the association is without an answer, counts as missed
// provisionally: the block is then Provisional, to be reviewed at that closure
// (ReviewAt), since the association may still answer before it.
func (a *Activities) pneBlock(ctx context.Context, app *models.Application, c *models.Campaign) (*models.RenewalBlock, error) {
	rules := selection.Rules{Year: c.Year, PNEMissesBlockingRenewal: c.Policy.Selection.PNEMissesBlockingRenewal}
	missed, err := a.PNEResults.MissedYears(ctx, []string{app.AssociationKey})
	if err != nil {
		return nil, err
	}
	pending, err := a.PNEResults.PendingYears(ctx, app.AssociationKey, selection.PNEYears(rules))
	if err != nil {
		return nil, err
	}
	years, open, blocked := selection.PNEBlockedPending(rules, missed[app.AssociationKey], pending)
	if !blocked {
		return nil, nil
	}
	last := years[len(years)-1]
	b := &models.RenewalBlock{Rule: models.BlockPNE, Source: fmt.Sprintf("pne:%d", last), SourceYear: last,
		Reason: fmt.Sprintf("l'association n'a pas répondu au questionnaire du Plan national d'évaluation (PNE) %s : la règle de %d (%d questionnaire(s) manqué(s)) exclut son financement",
			selection.YearList(years), c.Year, rules.PNEMissesBlockingRenewal),
		Lift: "répondre au prochain questionnaire PNE dans les délais (le blocage vaut pour cet appel à projets)",
	}
	if len(open) == 0 {
		return b, nil
	}
	b.Provisional, b.ReviewAt = true, pneReviewAt(c, open[len(open)-1])
	closing := "à sa clôture"
	if b.ReviewAt != nil {
		closing = "à sa clôture, le " + french.Date(*b.ReviewAt)
	}
	b.Reason = fmt.Sprintf("%s : l'association n'a pas encore répondu au questionnaire du Plan national d'évaluation (PNE) %s ; sans réponse %s, la règle de %d (%d questionnaire(s) manqué(s)) exclura son financement",
		b.ProvisionalNote(), selection.YearList(open), closing, c.Year, rules.PNEMissesBlockingRenewal)
	b.Lift = "répondre à ce questionnaire avant sa clôture ; la réponse lève le blocage à la clôture"
	return b, nil
}

// pneReviewAt is the closure of year's questionnaire by the campaign's policy
// calendar (§8.4: « clôturé ... le 31 mai »), nil when the policy has none (the
// demo's PNE closes at an offset of its workflow's start).
func pneReviewAt(c *models.Campaign, year int) *time.Time {
	p := c.Policy
	if p.IsDemo() || p.Calendar.PNEClose.IsZero() {
		return nil
	}
	at := p.Calendar.PNEClose.In(year).EndOfDay()
	return &at
}
