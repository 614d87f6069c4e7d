package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/models"
)

// ErrTypeDSRefused marks a request Démarches Simplifiées refused (token, démarche, a
// decision from a state it does not allow): retrying cannot help.
const ErrTypeDSRefused = "DSRefused"

// ErrTypeDSUnavailable marks DS down or rate limiting: retried with backoff, then left to the next pull.
const ErrTypeDSUnavailable = "DSUnavailable"

// dsPageSize is the number of dossiers asked per page: DSPageSize, or DS's maximum, 100.
func (a *Activities) dsPageSize() int {
	if a.DSPageSize > 0 {
		return a.DSPageSize
	}
	return 100
}

// DossierFiler files a dossier through the API's creation service, the one
// POST /api/v1/campaigns/{id}/applications uses (api.ApplicationService).
type DossierFiler interface {
	FileExternal(ctx context.Context, d models.ExternalDossier) (models.ExternalFiling, error)
}

// DSPullInput names the call whose démarche is pulled.
type DSPullInput struct {
	CampaignID string
}

// DSPullResult counts what one pull did.
type DSPullResult struct {
	Filed, Replayed, Refused int
	// Stopped: the call was cancelled or has no DS source: no more pulls.
	Stopped bool
}

// PullDemarche reads the démarche's dossiers changed since the last pull, page by page
// from the cursor, and files each one deposited through the creation service (idempotent
// on its DS number), or lists it refused with each field's French error. The cursor is
// saved after each page and updatedSince only at the last one, so a pull that fails
// resumes where it stopped and nothing is skipped.
func (a *Activities) PullDemarche(ctx context.Context, in DSPullInput) (DSPullResult, error) {
	conn, err := a.DSConnectors.Get(ctx, in.CampaignID)
	if err != nil {
		return DSPullResult{}, storeError(err)
	}
	c, err := a.Campaigns.Get(ctx, in.CampaignID)
	if err != nil {
		return DSPullResult{}, storeError(err)
	}
	if c.Phase == models.PhaseCancelled {
		return DSPullResult{Stopped: true}, nil
	}
	var res DSPullResult
	since, cursor := conn.UpdatedSince, conn.Cursor
	for {
		page, err := a.DS.Dossiers(ctx, conn.Demarche, conn.UpdatedSince, cursor, a.dsPageSize())
		if err != nil {
			return res, a.dsPullFailed(ctx, in.CampaignID, err)
		}
		for _, d := range page.Nodes {
			if err := a.fileDSDossier(ctx, conn, d, &res); err != nil {
				return res, a.dsPullFailed(ctx, in.CampaignID, err)
			}
			if since == nil || d.DateDerniereModification.After(*since) {
				changed := d.DateDerniereModification
				since = &changed
			}
			activity.RecordHeartbeat(ctx, d.Number)
		}
		if !page.PageInfo.HasNextPage || page.PageInfo.EndCursor == nil {
			break
		}
		cursor = *page.PageInfo.EndCursor
		if err := a.DSConnectors.SaveCursor(ctx, in.CampaignID, cursor); err != nil {
			return res, storeError(err)
		}
	}
	a.log(ctx).Info("démarche pulled", "campaign", in.CampaignID, "demarche", conn.Demarche,
		"filed", res.Filed, "replayed", res.Replayed, "refused", res.Refused)
	return res, storeError(a.DSConnectors.PullSucceeded(ctx, in.CampaignID, time.Now(), since))
}

// fileDSDossier files one DS dossier, or lists it refused.
func (a *Activities) fileDSDossier(ctx context.Context, conn *models.DSConnector, d ds.Dossier, res *DSPullResult) error {
	if !d.Filed() {
		return nil
	}
	body, problems := ds.Mapping(conn.Mapping).Apply(d, themeCodes())
	filing := models.ExternalFiling{}
	if len(problems) == 0 {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		number := d.Number
		filing, err = a.Filer.FileExternal(ctx, models.ExternalDossier{CampaignID: conn.CampaignID,
			Key: fmt.Sprintf("ds:%d:%d", conn.Demarche, d.Number), DSNumber: number, Body: raw, DepositedAt: d.DateDepot})
		if err != nil {
			return err
		}
	} else {
		filing.Refused = connectorErrors(problems)
	}
	if len(filing.Refused) > 0 {
		res.Refused++
		labelChamps(filing.Refused, conn.Mapping, d)
		return a.DSConnectors.Refuse(ctx, &models.DSRefusal{CampaignID: conn.CampaignID, DSNumber: d.Number,
			DepositedAt: d.DateDepot, Errors: filing.Refused})
	}
	if filing.Replayed {
		res.Replayed++
	} else {
		res.Filed++
	}
	return a.DSConnectors.Accepted(ctx, conn.CampaignID, d.Number)
}

// themeCodes turns a theme's label, as a DS drop-down shows it, into its code.
func themeCodes() map[string]string {
	out := make(map[string]string, len(models.Themes))
	for _, t := range models.Themes {
		out[t.Label] = t.Code
	}
	return out
}

func connectorErrors(problems []ds.Problem) []models.ConnectorFieldError {
	out := make([]models.ConnectorFieldError, len(problems))
	for i, p := range problems {
		out[i] = models.ConnectorFieldError{Field: p.Field, Rule: p.Rule, Message: p.Message, ChampID: p.ChampID, Label: p.Label}
	}
	return out
}

// labelChamps names, for each refused field, the DS champ that fills it, so the
// correspondent knows what to ask the association to correct.
func labelChamps(errs []models.ConnectorFieldError, mapping map[string]string, d ds.Dossier) {
	labels := map[string]string{}
	for _, c := range d.Champs {
		labels[c.ChampDescriptorID] = c.Label
	}
	for i, e := range errs {
		for field, champ := range mapping {
			if e.Field == field || (len(e.Field) > len(field) && e.Field[:len(field)+1] == field+".") {
				errs[i].ChampID, errs[i].Label = champ, labels[champ]
			}
		}
	}
}

// dsPullFailed records the failure on the connector (its state shows it) and returns
// what Temporal should do with it.
func (a *Activities) dsPullFailed(ctx context.Context, campaignID string, err error) error {
	if recErr := a.DSConnectors.PullFailed(ctx, campaignID, time.Now(), err.Error()); recErr != nil {
		a.log(ctx).Error("record the failed pull", "campaign", campaignID, "error", recErr)
	}
	return dsError(err)
}

// dsError classes a DS failure for Temporal: refused is final, 429 waits as long as DS
// asks (Retry-After), anything else retries with the policy's backoff.
func dsError(err error) error {
	if err == nil {
		return nil
	}
	var dsErr *ds.Error
	if !asDSError(err, &dsErr) {
		return storeError(err)
	}
	switch dsErr.Kind {
	case ds.KindRefused:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeDSRefused, err)
	case ds.KindRateLimited:
		return temporal.NewApplicationErrorWithOptions(err.Error(), ErrTypeDSUnavailable,
			temporal.ApplicationErrorOptions{NextRetryDelay: dsErr.RetryAfter, Cause: err})
	}
	return temporal.NewApplicationError(err.Error(), ErrTypeDSUnavailable, err)
}

// dsRefusedLines lists, in the closure summary of a call with a démarche, its DS dossiers
// the rules refused, each with its fields' errors in French.
func (a *Activities) dsRefusedLines(ctx context.Context, c *models.Campaign, data *mail.CampaignClosedData) error {
	if c.DSDemarche == 0 || a.DSConnectors == nil {
		return nil
	}
	refusals, err := a.DSConnectors.Refusals(ctx, c.ID)
	if err != nil {
		return err
	}
	data.DSDemarche = c.DSDemarche
	for _, r := range refusals {
		line := mail.DSRefusedLine{Number: r.DSNumber}
		for _, e := range r.Errors {
			name := e.Field
			if e.Label != "" {
				name = e.Label
			}
			line.Errors = append(line.Errors, "« "+name+" » : "+e.Message)
		}
		data.DSRefused = append(data.DSRefused, line)
	}
	return nil
}
