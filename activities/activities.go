// Package activities holds every side effect of the workflows: database writes
// and emails. Each activity is idempotent, so a retry or a replay repeats nothing.
package activities

import (
	"context"
	"log/slog"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/limesurvey"
	"github.com/dian-p104/aap/models"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/store"
)

// ErrTypeEmailRefused marks an email the relay refused for good: retrying cannot help.
const ErrTypeEmailRefused = "EmailRefused"

// ErrTypeNotFound marks a record that does not exist: retrying cannot help.
const ErrTypeNotFound = "NotFound"

// Activities holds the dependencies of every activity. One value is registered
// on the worker; workflows call its methods through a nil *Activities.
type Activities struct {
	Campaigns    *store.Campaigns
	Applications *store.Applications
	Emails       *store.Emails
	Conventions  *store.Conventions
	// PNE holds each year's list of structures asked to answer the questionnaire (§8.4).
	PNE *store.PNEStructures
	// Controls holds the on-site controls, the doubts flagged and the regions' syntheses (§8.5).
	Controls *store.Controls
	// PNEResults and FinancialReports are the history a renewal is judged on (§8.4).
	PNEResults       *store.PNEResults
	FinancialReports *store.FinancialReports
	// CTAI holds the collectivités' CTAI requests (§3).
	CTAI *store.CTAIRequests
	// CarifOref maps a region's INSEE code to its Carif-Oref's address.
	CarifOref map[string]string
	Outbox    *mail.Outbox
	// DIANEmail is the national administration's mailbox (AAP_DIAN_EMAIL).
	DIANEmail string
	// Temporal signals other workflows (a call's dossiers after the selection).
	Temporal client.Client
	Logger   *slog.Logger
	// Links signs the links emailed to associations; PublicURL is their base (AAP_PUBLIC_URL).
	Links     *auth.LinkSigner
	PublicURL string
	// DS is the Démarches Simplifiées client (AAP_DS_TOKEN, AAP_DS_ENDPOINT); DSConnectors
	// the calls' DS sources and their state; Filer the API's creation service of dossiers.
	DS           *ds.Client
	DSConnectors *store.DSConnectors
	Filer        DossierFiler
	// DSPageSize is the number of DS dossiers read per page (0: DS's maximum, 100).
	DSPageSize int
	// LimeSurvey is the PNE questionnaire's RemoteControl API (AAP_LIMESURVEY_*), LimeSurveyID its survey.
	LimeSurvey   *limesurvey.Client
	LimeSurveyID int
	// PendingStarts starts the workflows a crash left pending (the reconcile schedule).
	PendingStarts PendingStarter
}

// deliveryError turns an outbox error into what Temporal should do with it.
func deliveryError(err error) error {
	if err != nil && mail.IsPermanent(err) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeEmailRefused, err)
	}
	return err
}

// log is the activities' logger with the workflow and activity that run it, so
// a line in the logs leads to its history in Temporal.
func (a *Activities) log(ctx context.Context) *slog.Logger {
	if !activity.IsActivity(ctx) {
		return a.Logger
	}
	info := activity.GetInfo(ctx)
	return a.Logger.With("workflow_id", info.WorkflowExecution.ID, "run_id", info.WorkflowExecution.RunID,
		"activity", info.ActivityType.Name)
}

// withActor puts the caller a workflow carried with its command into ctx, so
// that the store's audit entry names it; an empty actor leaves the workflow's.
func withActor(ctx context.Context, a models.Actor) context.Context {
	if a.Name == "" {
		return ctx
	}
	return store.WithActor(ctx, a)
}
