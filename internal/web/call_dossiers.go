package web

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// applicationStates name a dossier's recorded states in French, in the order a dossier lives them.
var applicationStates = []option{
	{models.ApplicationDeposited, "Déposé"},
	{models.ApplicationUnderReview, "En instruction"},
	{models.ApplicationRetained, "Retenu"},
	{models.ApplicationNotRetained, "Non retenu"},
	{models.ApplicationCancelled, "Annulé avec l'appel"},
}

// option is one choice of a filter's list.
type option struct{ Code, Label string }

func optionLabel(opts []option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// dossierRow is one dossier of a call's list, with what the committee must notice.
type dossierRow struct {
	ID, Reference, Title, Association, Theme, State string
	RequestedCents, GrantedCents                    int64
	// Flags: double funding (§3.2, §8.2), renewal blocked (§8.4), redundant with AGIR (§8.2).
	Flags []string
}

// Flags a dossier can carry, as the list shows them.
const (
	FlagDoubleFunding  = "Double financement possible"
	FlagRenewalBlocked = "Renouvellement bloqué"
	// FlagRenewalProvisional: a PNE block resting on a questionnaire not closed yet (§8.4).
	FlagRenewalProvisional = "Blocage provisoire (PNE)"
	FlagAGIR               = "Redondant avec AGIR"
)

// dossierFilter is the list's filter: a recorded state and a theme ("": all).
type dossierFilter struct{ State, Theme string }

// maxDossiers are listed on a call's page.
const maxDossiers = 500

// callDossiers reads a call's dossiers matching f, each with its flags.
func callDossiers(ctx context.Context, db *gorm.DB, campaignID string, f dossierFilter) ([]dossierRow, int64, error) {
	apps, total, err := store.NewApplications(db).List(ctx, store.ApplicationFilter{CampaignID: campaignID,
		State: f.State, Theme: f.Theme, Limit: maxDossiers})
	if err != nil {
		return nil, 0, err
	}
	blocked, err := blockedDossiers(ctx, db, campaignID)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]dossierRow, len(apps))
	for i, a := range apps {
		rows[i] = dossierRow{ID: a.ID, Reference: a.Reference, Title: a.Title, Association: a.AssociationName,
			Theme: models.ThemeLabel(a.Theme), State: optionLabel(applicationStates, a.State),
			RequestedCents: a.RequestedCents, GrantedCents: a.GrantedCents, Flags: dossierFlags(&a, blocked[a.ID])}
	}
	return rows, total, nil
}

func dossierFlags(a *models.Application, blocked blockState) []string {
	var flags []string
	if len(a.DoubleFundingWith) > 0 {
		flags = append(flags, FlagDoubleFunding)
	}
	if blocked.final {
		flags = append(flags, FlagRenewalBlocked)
	}
	if blocked.provisional {
		flags = append(flags, FlagRenewalProvisional)
	}
	if a.AGIRRedundant {
		flags = append(flags, FlagAGIR)
	}
	return flags
}

// blockState says which renewal blocks of a dossier are in force: a final one, a
// provisional one (§8.4: the PNE questionnaire it rests on is not closed yet).
type blockState struct{ final, provisional bool }

// blockedDossiers are the call's dossiers whose renewal is blocked now (a block not lifted).
func blockedDossiers(ctx context.Context, db *gorm.DB, campaignID string) (map[string]blockState, error) {
	var rows []struct {
		ApplicationID string
		Provisional   bool
	}
	err := db.WithContext(ctx).Model(&models.RenewalBlock{}).Select("application_id, provisional").
		Where("lifted_at IS NULL AND application_id IN (?)",
			db.Model(&models.Application{}).Select("id").Where("campaign_id = ?", campaignID)).
		Distinct().Scan(&rows).Error
	out := make(map[string]blockState, len(rows))
	for _, r := range rows {
		st := out[r.ApplicationID]
		if r.Provisional {
			st.provisional = true
		} else {
			st.final = true
		}
		out[r.ApplicationID] = st
	}
	return out, err
}

// emailRow is one email sent (or not) about a call.
type emailRow struct {
	Subject, Recipient, State string
	At                        time.Time
}

var emailStates = []option{
	{models.EmailPending, "En attente d'envoi"}, {models.EmailSending, "En cours d'envoi"},
	{models.EmailSent, "Envoyé"}, {models.EmailFailed, "Non remis"},
}

// maxEmails are listed on a call's page, newest first.
const maxEmails = 200

func callEmails(ctx context.Context, db *gorm.DB, f store.EmailFilter) ([]emailRow, int64, error) {
	f.Limit = maxEmails
	list, total, err := store.NewEmails(db).List(ctx, f)
	rows := make([]emailRow, len(list))
	for i, e := range list {
		at := e.CreatedAt
		if e.SentAt != nil {
			at = *e.SentAt
		}
		rows[i] = emailRow{Subject: e.Subject, Recipient: e.Recipient, State: optionLabel(emailStates, e.State), At: at}
	}
	return rows, total, err
}
