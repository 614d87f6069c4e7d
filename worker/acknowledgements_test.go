package worker

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	gomail "github.com/wneessen/go-mail"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

var filedAt = time.Date(2027, 3, 20, 10, 0, 0, 0, time.UTC)

// ackFixture is a sender on SQLite and a real SMTP catcher, with its clock in hand.
type ackFixture struct {
	db      *gorm.DB
	catcher *mailcatcher.Catcher
	now     time.Time
	call    *models.Campaign
	dials   atomic.Int32 // SMTP connections opened
}

// countingSender is an SMTP sender that counts the connections it opens.
type countingSender struct {
	mail.Sender
	dials *atomic.Int32
}

func (s countingSender) Send(ctx context.Context, msgs ...*gomail.Msg) error {
	s.dials.Add(1)
	return s.Sender.Send(ctx, msgs...)
}

func (s countingSender) Open(ctx context.Context) (mail.Session, error) {
	s.dials.Add(1)
	return s.Sender.Open(ctx)
}

func newAckFixture(t *testing.T) *ackFixture {
	t.Helper()
	db := storetest.SQLite(t)
	catcher, err := mailcatcher.Start(mailcatcher.Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catcher.Close() })
	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	pol, err := set.ForYear(2027)
	require.NoError(t, err)
	c := &models.Campaign{ID: uuid.NewString(), Year: 2027, Level: models.LevelDepartmental, Territory: "69",
		Title: "Langue & emploi dans le Rhône", ContactEmail: "ddets@rhone.example.gouv.fr", PolicyName: pol.Name, Policy: pol,
		Phase: models.PhasePublished, CloseAt: filedAt.Add(60 * 24 * time.Hour), Indicators: []string{"bénéficiaires"}}
	c.WorkflowID = "aap/" + c.ID
	require.NoError(t, db.Create(c).Error)
	return &ackFixture{db: db, catcher: catcher, now: filedAt, call: c}
}

// sender is a sender of the fixture's database, catcher and clock.
func (f *ackFixture) sender(t *testing.T) *AcknowledgementSender {
	t.Helper()
	host, port, _ := net.SplitHostPort(f.catcher.Addr())
	p, _ := strconv.Atoi(port)
	outbox, err := mail.NewOutbox(f.db, countingSender{mail.NewSMTPSender(config.SMTP{Host: host, Port: p, TLS: config.TLSNone}), &f.dials},
		"AAP <no-reply@aap.localhost>")
	require.NoError(t, err)
	links, err := auth.NewLinkSigner([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	acts := &activities.Activities{Campaigns: store.NewCampaigns(f.db), Applications: store.NewApplications(f.db), Conventions: store.NewConventions(f.db),
		PNEResults: store.NewPNEResults(f.db), FinancialReports: store.NewFinancialReports(f.db), Emails: store.NewEmails(f.db),
		Outbox: outbox, Links: links, PublicURL: "https://aap.example.gouv.fr", Logger: slog.New(slog.DiscardHandler)}
	return &AcknowledgementSender{Acts: acts, RetryFor: 24 * time.Hour,
		Now: func() time.Time { return f.now }, Logger: slog.New(slog.DiscardHandler)}
}

// file stores a dossier as the API files it: its accusé de réception pending, due at once.
func (f *ackFixture) file(t *testing.T, n int, workflowPending bool) *models.Application {
	t.Helper()
	return f.fileAt(t, n, workflowPending, filedAt)
}

// fileAt is file at the instant at.
func (f *ackFixture) fileAt(t *testing.T, n int, workflowPending bool, at time.Time) *models.Application {
	t.Helper()
	app := &models.Application{ID: uuid.NewString(), CampaignID: f.call.ID, Year: 2027, AssociationKey: "siret:" + strconv.Itoa(n),
		AssociationName: "Accueil Rhône " + strconv.Itoa(n), AssociationEmail: "contact" + strconv.Itoa(n) + "@accueil.example",
		Title: "Ateliers " + strconv.Itoa(n), TitleKey: "ateliers " + strconv.Itoa(n), Theme: "langue", State: models.ApplicationDeposited,
		RequestedCents: 1_000_000, TotalBudgetCents: 2_000_000, CreatedAt: at, WorkflowPending: workflowPending,
		Acknowledgement: models.AcknowledgementPending, AcknowledgementDueAt: &at}
	app.WorkflowID = f.call.WorkflowID + "/dossier/" + app.ID
	require.NoError(t, f.db.Create(app).Error)
	return app
}

// sendAt runs a pass of s at the instant at and returns how many it claimed.
func (f *ackFixture) sendAt(t *testing.T, s *AcknowledgementSender, at time.Time) int {
	t.Helper()
	f.now = at
	n, err := s.sendDue(context.Background(), 0)
	require.NoError(t, err)
	return n
}

func (f *ackFixture) state(t *testing.T, app *models.Application) (string, *time.Time) {
	t.Helper()
	var got models.Application
	require.NoError(t, f.db.First(&got, "id = ?", app.ID).Error)
	return got.Acknowledgement, got.AcknowledgementDueAt
}

// Two workers' senders racing over the same dossiers send each accusé de réception once;
// a dossier whose workflow is not known to be started yet waits (its filing may be undone).
func TestEachAcknowledgementIsSentOnceWhateverTheSendersRacing(t *testing.T) {
	f := newAckFixture(t)
	var filed []*models.Application
	for i := range 30 {
		filed = append(filed, f.file(t, i, false))
	}
	starting := f.file(t, 99, true)

	a, b := f.sender(t), f.sender(t)
	var wg sync.WaitGroup
	claimed := make([]int, 2)
	for i, s := range []*AcknowledgementSender{a, b} {
		wg.Go(func() {
			n, err := s.sendDue(context.Background(), 0)
			require.NoError(t, err)
			claimed[i] = n
		})
	}
	wg.Wait()
	require.Equal(t, 30, claimed[0]+claimed[1], "each dossier claimed by one sender")
	caught, err := f.catcher.List()
	require.NoError(t, err)
	require.Len(t, caught, 30, "one accusé de réception each")
	for _, app := range filed {
		state, due := f.state(t, app)
		require.Equal(t, models.AcknowledgementSent, state)
		require.Nil(t, due)
	}
	state, _ := f.state(t, starting)
	require.Equal(t, models.AcknowledgementPending, state, "not before its workflow exists")

	require.NoError(t, store.NewApplications(f.db).WorkflowStarted(context.Background(), starting.ID))
	n, err := a.sendDue(context.Background(), 0)
	require.NoError(t, err)
	require.Equal(t, 1, n, "sent once its workflow exists, the others not again")
	require.Equal(t, 31, f.catcher.Count())
}

// The accusés de réception due together go ackClaim to a connection, and a refusal for good
// among them fails that one only: the others are sent and recorded sent in the same pass.
func TestAcknowledgementsDueTogetherShareAConnection(t *testing.T) {
	f := newAckFixture(t)
	var filed []*models.Application
	for i := range ackClaim + 1 {
		filed = append(filed, f.file(t, i, false))
	}
	f.catcher.FailNext(1, 550, "no such user")
	require.Equal(t, ackClaim+1, f.sendAt(t, f.sender(t), filedAt))

	// Two connections for the batches, one for the correspondent's notice of the refusal.
	require.EqualValues(t, 3, f.dials.Load())
	var sent, failed int
	for _, app := range filed {
		state, due := f.state(t, app)
		require.Nil(t, due, app.ID)
		switch state {
		case models.AcknowledgementSent:
			sent++
		case models.AcknowledgementFailed:
			failed++
		}
	}
	require.Equal(t, ackClaim, sent)
	require.Equal(t, 1, failed)
	require.Equal(t, ackClaim+1, f.catcher.Count(), "ackClaim accusés de réception and one notice")
}

// A relay that is down is tried again later, and nobody is told; a refusal for good is
// recorded failed at once, and the correspondent told which association (once).
func TestARelayDownIsRetriedAndARefusalIsRecordedFailed(t *testing.T) {
	f := newAckFixture(t)
	s := f.sender(t)
	down := f.file(t, 1, false)

	f.catcher.FailNext(1, 451, "try again later")
	_, err := s.sendDue(context.Background(), 0)
	require.NoError(t, err)
	state, due := f.state(t, down)
	require.Equal(t, models.AcknowledgementPending, state)
	require.Equal(t, filedAt.Add(ackFirstRetry), due.UTC())
	require.Zero(t, f.catcher.Count(), "451: nothing sent, nobody told")

	require.Zero(t, f.sendAt(t, s, filedAt.Add(ackFirstRetry-time.Second)), "not before it is due again")
	require.Equal(t, 1, f.sendAt(t, s, filedAt.Add(ackFirstRetry)))
	state, _ = f.state(t, down)
	require.Equal(t, models.AcknowledgementSent, state)
	require.Equal(t, 1, f.catcher.Count())

	refused := f.file(t, 2, false)
	f.catcher.FailNext(1, 550, "no such user")
	_, err = s.sendDue(context.Background(), 0)
	require.NoError(t, err)
	state, due = f.state(t, refused)
	require.Equal(t, models.AcknowledgementFailed, state)
	require.Nil(t, due)
	caught, err := f.catcher.List()
	require.NoError(t, err)
	require.Len(t, caught, 2, "550: one notice, to the correspondent")
	var told []string
	for _, m := range caught {
		told = append(told, m.To...)
	}
	require.ElementsMatch(t, []string{down.AssociationEmail, f.call.ContactEmail}, told)
	require.Zero(t, f.sendAt(t, s, f.now), "a failed accusé de réception is not tried again")
}

// The retry window runs from the filing: tried again just inside it (never past it),
// failed at its end.
func TestARelayDownPastTheRetryWindowFails(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:25: connection refused")
	retryFor := 24 * time.Hour
	for _, tc := range []struct {
		age       time.Duration
		wantState string
		wantWait  time.Duration
	}{
		{time.Second, models.AcknowledgementPending, ackFirstRetry},
		{10 * time.Minute, models.AcknowledgementPending, 10 * time.Minute},
		{5 * time.Hour, models.AcknowledgementPending, ackMaxRetry},
		{retryFor - time.Minute, models.AcknowledgementPending, time.Minute},
		{retryFor, models.AcknowledgementFailed, 0},
	} {
		now := filedAt.Add(tc.age)
		state, due := ackOutcome(down, filedAt, now, retryFor)
		require.Equal(t, tc.wantState, state, "filed %s ago", tc.age)
		if tc.wantWait == 0 {
			require.Nil(t, due)
			continue
		}
		require.Equal(t, now.Add(tc.wantWait), *due, "filed %s ago", tc.age)
	}
	state, due := ackOutcome(nil, filedAt, filedAt, retryFor)
	require.Equal(t, models.AcknowledgementSent, state)
	require.Nil(t, due)
}

// A stopping worker claims nothing more: what is due stays for the next pass or another worker.
func TestAStoppedSenderClaimsNothing(t *testing.T) {
	f := newAckFixture(t)
	app := f.file(t, 1, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := f.sender(t).sendDue(ctx, 0)
	require.NoError(t, err)
	require.Zero(t, n)
	state, due := f.state(t, app)
	require.Equal(t, models.AcknowledgementPending, state)
	require.Equal(t, filedAt, due.UTC(), "still due: not claimed")
	require.Zero(t, f.catcher.Count())

	n, err = f.sender(t).sendDue(context.Background(), 0)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// A worker that died holding its claim leaves the accusé de réception due again after
// ackLease, and another worker sends it; not before.
func TestADeadSendersClaimFallsDueAfterTheLease(t *testing.T) {
	f := newAckFixture(t)
	app := f.file(t, 1, false)
	won, err := store.NewApplications(f.db).ClaimAcknowledgements(context.Background(), []string{app.ID}, filedAt, filedAt.Add(ackLease))
	require.NoError(t, err)
	require.Equal(t, []string{app.ID}, won, "the dead worker's claim")

	s := f.sender(t)
	require.Zero(t, f.sendAt(t, s, filedAt.Add(ackLease-time.Second)), "still claimed")
	require.Equal(t, 1, f.sendAt(t, s, filedAt.Add(ackLease)))
	require.Equal(t, 1, f.catcher.Count())
}

// The sender checks the association's renewal conditions as it files (§8.4): an overdue
// compte-rendu financier blocks the new dossier, the porteur is told why, and the accusé de
// réception leaves all the same.
func TestTheSenderChecksRenewalAtTheFiling(t *testing.T) {
	f := newAckFixture(t)
	app := f.file(t, 1, false)
	overdue := &models.FinancialReport{ConventionID: uuid.NewString(), ConventionReference: "CONV-2026-69-0001",
		ApplicationID: uuid.NewString(), AssociationKey: app.AssociationKey, FiscalYear: 2026,
		DueAt: filedAt.AddDate(0, -1, 0), Overdue: true}
	require.NoError(t, f.db.Create(overdue).Error)

	require.Equal(t, 1, f.sendAt(t, f.sender(t), filedAt))
	var blocks []models.RenewalBlock
	require.NoError(t, f.db.Where("application_id = ?", app.ID).Find(&blocks).Error)
	require.Len(t, blocks, 1)
	require.Equal(t, models.BlockFinancialReport, blocks[0].Rule)
	state, _ := f.state(t, app)
	require.Equal(t, models.AcknowledgementSent, state)
	caught, err := f.catcher.List()
	require.NoError(t, err)
	require.Len(t, caught, 2, "the block's notice and the accusé de réception")
	for _, m := range caught {
		require.Equal(t, []string{app.AssociationEmail}, m.To)
	}
}

// During a burst of filings (20 accusés de réception due within two seconds) the sender
// sends only those due for a minute; with one filing fewer it sends them all.
func TestTheSenderStepsBackDuringABurstOfFilings(t *testing.T) {
	for _, tc := range []struct {
		situation string
		recent    int // dossiers filed in the last second
		wantSent  int
	}{
		{"a burst: only the two due for a minute or more", ackBurstFilings, 2},
		{"no burst: every one due", ackBurstFilings - 1, 4 + ackBurstFilings - 1},
	} {
		t.Run(tc.situation, func(t *testing.T) {
			f := newAckFixture(t)
			now := filedAt.Add(time.Hour)
			f.fileAt(t, 0, false, now.Add(-ackBurstWait))
			f.fileAt(t, 1, false, now.Add(-ackBurstWait-time.Second))
			f.fileAt(t, 2, false, now.Add(-ackBurstWait+time.Second))
			f.fileAt(t, 3, false, now.Add(-ackBurstWindow)) // just out of the burst's window
			for i := range tc.recent {
				f.fileAt(t, 10+i, false, now.Add(-time.Second))
			}
			f.now = now
			n, err := f.sender(t).pass(context.Background())
			require.NoError(t, err)
			require.Equal(t, tc.wantSent, n)
			require.Equal(t, tc.wantSent, f.catcher.Count())
		})
	}
}
