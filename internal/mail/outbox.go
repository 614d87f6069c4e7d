package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// leaseDuration bounds how long one attempt may hold an email without renewing its
// lease before another attempt may take it over (a worker killed mid-send): short, so
// that the retry of a dead worker's email (within seconds: the activity's heartbeat)
// finds the email free. A live attempt renews its lease every leaseRenewal while it
// sends, however slow the relay.
const (
	leaseDuration = 15 * time.Second
	leaseRenewal  = 5 * time.Second
)

// ErrInFlight means another attempt is sending the email right now; retry later.
var ErrInFlight = errors.New("email is being sent by another attempt")

// Attachment is a file joined to an email.
type Attachment struct {
	Name        string
	ContentType gomail.ContentType
	Data        []byte
}

// Envelope is one email to deliver.
type Envelope struct {
	// Key says what the email is for: workflow, purpose, recipient role,
	// occurrence. The same key is the same email: it is sent at most once.
	Key        string
	Purpose    string
	CampaignID string
	To         string
	ReplyTo    string
	Content    Rendered
	Attachment *Attachment
}

// Outbox records every email before it leaves and delivers each one once.
type Outbox struct {
	db     *gorm.DB
	sender Sender
	from   string
	domain string
	now    func() time.Time
	// renewEvery is how often a send in progress renews its lease (leaseRenewal).
	renewEvery time.Duration
}

// NewOutbox returns an outbox sending from the given address.
func NewOutbox(db *gorm.DB, sender Sender, from string) (*Outbox, error) {
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("sender address %q: %w", from, err)
	}
	domain := addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]
	// Each write of the outbox is one statement: no BEGIN and COMMIT around it (two round
	// trips to PostgreSQL saved per write, two or three writes per email).
	if db != nil {
		db = db.Session(&gorm.Session{SkipDefaultTransaction: true})
	}
	return &Outbox{db: db, sender: sender, from: from, domain: domain, now: time.Now, renewEvery: leaseRenewal}, nil
}

// MessageID derives the Message-ID from the key: stable across retries, and
// free of the recipient's address.
func (o *Outbox) MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@" + o.domain
}

// Deliver sends the email unless its key was already sent. It returns nil once
// the relay has accepted it (now or before), a *PermanentError if it was refused
// for good, and another error when a retry may succeed.
func (o *Outbox) Deliver(ctx context.Context, e Envelope) error {
	return o.deliverWith(ctx, e, func(msg *gomail.Msg) error { return o.sender.Send(ctx, msg) })
}

// deliverWith claims the email, builds it and hands it to send (one connection
// per message, or a batch's open session), then records the outcome.
func (o *Outbox) deliverWith(ctx context.Context, e Envelope, send func(*gomail.Msg) error) error {
	row, err := o.claim(ctx, e)
	if err != nil || row == nil {
		return err
	}
	msg, err := o.build(e, row.MessageID)
	if err != nil {
		return o.finish(ctx, row, &PermanentError{Err: err})
	}
	stopRenewing := o.renewLease(ctx, row.ID)
	sendErr := accepted(msg, send(msg))
	stopRenewing()
	// The one unavoidable window: the relay has answered 250 but the row below
	// is not yet marked sent. A worker dying exactly here makes the next attempt
	// send the email once more, with the same Message-ID so that receivers can
	// tell; the window is one database update long.
	return o.finish(ctx, row, sendErr)
}

// claim records the email if new and takes the lease to send it. It returns a
// nil row when the email was already sent. A new email (the common case) is recorded
// already leased, in one round trip; one seen before is leased, then read.
func (o *Outbox) claim(ctx context.Context, e Envelope) (*models.Email, error) {
	db := o.db.WithContext(ctx)
	now := o.now().UTC()
	lease := now.Add(leaseDuration)
	row := models.Email{
		Key: e.Key, MessageID: o.MessageID(e.Key), CampaignID: e.CampaignID, Purpose: e.Purpose,
		Recipient: e.To, Subject: e.Content.Subject, State: models.EmailSending, Attempts: 1, LeaseUntil: &lease,
	}
	created := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(&row)
	if created.Error != nil {
		return nil, fmt.Errorf("record email: %w", created.Error)
	}
	if created.RowsAffected == 1 {
		return &row, nil
	}
	res := db.Model(&models.Email{}).
		Where("key = ? AND (state = ? OR (state = ? AND lease_until < ?))", e.Key, models.EmailPending, models.EmailSending, now).
		Updates(map[string]any{"state": models.EmailSending, "lease_until": lease, "attempts": gorm.Expr("attempts + 1"), "updated_at": now})
	if res.Error != nil {
		return nil, fmt.Errorf("lease email: %w", res.Error)
	}
	row = models.Email{}
	if err := db.Where("key = ?", e.Key).Take(&row).Error; err != nil {
		return nil, fmt.Errorf("read email: %w", err)
	}
	if res.RowsAffected == 1 {
		return &row, nil
	}
	switch row.State {
	case models.EmailSent:
		return nil, nil
	case models.EmailFailed:
		return nil, &PermanentError{Err: errors.New(row.LastError)}
	default:
		return nil, ErrInFlight
	}
}

// renewLease pushes the lease of the email being sent back to leaseDuration from now,
// every renewEvery, until the returned stop is called: a slow relay never lets another
// attempt take over a live send. A renewal that fails is left to the next one.
func (o *Outbox) renewLease(ctx context.Context, id uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(o.renewEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				o.db.WithContext(ctx).Model(&models.Email{}).Where("id = ? AND state = ?", id, models.EmailSending).
					Update("lease_until", o.now().UTC().Add(leaseDuration))
			}
		}
	}()
	return func() { close(done); <-finished }
}

// finish records the outcome of one attempt and returns what Deliver returns.
func (o *Outbox) finish(ctx context.Context, row *models.Email, sendErr error) error {
	now := o.now().UTC()
	updates := map[string]any{"lease_until": nil, "updated_at": now}
	switch {
	case sendErr == nil:
		updates["state"], updates["sent_at"], updates["last_error"] = models.EmailSent, now, ""
	case IsPermanent(sendErr):
		updates["state"], updates["last_error"] = models.EmailFailed, truncate(sendErr.Error(), 1000)
	default:
		updates["state"], updates["last_error"] = models.EmailPending, truncate(sendErr.Error(), 1000)
	}
	// A fresh context: the outcome must be recorded even if the caller's was cancelled mid-send.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := o.db.WithContext(saveCtx).Model(&models.Email{}).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
		return errors.Join(sendErr, fmt.Errorf("record delivery of email %d: %w", row.ID, err))
	}
	var refused *PermanentError
	if sendErr != nil && IsPermanent(sendErr) && !errors.As(sendErr, &refused) {
		return &PermanentError{Err: sendErr}
	}
	return sendErr
}

func (o *Outbox) build(e Envelope, messageID string) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(o.from); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(e.To); err != nil {
		return nil, fmt.Errorf("adresse du destinataire invalide : %w", err)
	}
	if e.ReplyTo != "" {
		if err := m.ReplyTo(e.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	m.SetMessageIDWithValue(messageID)
	m.SetDate()
	m.SetGenHeader(gomail.HeaderXMailer, "aap")
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.Subject(e.Content.Subject)
	m.SetBodyString(gomail.TypeTextPlain, e.Content.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, e.Content.HTML)
	if a := e.Attachment; a != nil {
		if err := m.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(a.ContentType)); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return m, nil
}

// accepted returns nil once the relay has answered 250 to msg: it is then
// delivered, and an error after that point (RSET or QUIT refused, connection
// lost) must neither mark it failed nor have it sent again.
func accepted(msg *gomail.Msg, sendErr error) error {
	if sendErr != nil && msg.IsDelivered() {
		return nil
	}
	return sendErr
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
