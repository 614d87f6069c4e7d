package mail

// Shared helpers of the mail tests: example data of every template, a real
// SMTP catcher and sender, an outbox on a real database with a controllable
// clock, and a sender wrapper that counts the calls reaching the relay.

import (
	"context"
	"log/slog"
	"net"
	"net/textproto"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	gomail "github.com/wneessen/go-mail"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

const (
	testFrom      = "AAP intégration <no-reply@aap.test>"
	testRecipient = "correspondant.rhone@interieur.gouv.fr"
)

// startCatcher starts a mail catcher on addr ("127.0.0.1:0": any free port),
// closed at the end of the test.
func startCatcher(t testing.TB, addr string) *mailcatcher.Catcher {
	t.Helper()
	c, err := mailcatcher.Start(mailcatcher.Options{Addr: addr, Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	awaitGreeting(t, c.Addr())
	return c
}

// awaitGreeting waits for the SMTP greeting on addr. mailcatcher.Start
// returns before its serving goroutine has handed the listener to go-smtp; a
// Close in that gap (a test that never connects) would wait forever.
func awaitGreeting(t testing.TB, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	tp := textproto.NewConn(conn)
	_, _, err = tp.ReadResponse(220)
	require.NoError(t, err, "SMTP greeting from %s", addr)
	_ = tp.PrintfLine("QUIT")
	_, _, _ = tp.ReadResponse(221)
}

// smtpSenderTo returns the real SMTP sender aimed at addr (host:port), plain SMTP.
func smtpSenderTo(t testing.TB, addr string) *SMTPSender {
	t.Helper()
	host, portStr, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(portStr)
	require.NoError(t, err)
	return NewSMTPSender(config.SMTP{Host: host, Port: port, TLS: config.TLSNone})
}

// closedAddr returns an address on which nothing listens any more.
func closedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// countingSender counts the Send calls that reach the wrapped sender, i.e.
// the times the relay is contacted for a single email.
type countingSender struct {
	Sender
	calls atomic.Int64
}

func (s *countingSender) Send(ctx context.Context, msgs ...*gomail.Msg) error {
	s.calls.Add(1)
	return s.Sender.Send(ctx, msgs...)
}

// clock is the outbox's controllable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rig is an outbox delivering to a real catcher over SMTP.
type rig struct {
	db      *gorm.DB
	catcher *mailcatcher.Catcher
	sender  *countingSender
	clock   *clock
	outbox  *Outbox
}

func newRig(t testing.TB, db *gorm.DB) *rig {
	t.Helper()
	c := startCatcher(t, "127.0.0.1:0")
	return newRigWithSender(t, db, c, smtpSenderTo(t, c.Addr()))
}

func newRigWithSender(t testing.TB, db *gorm.DB, c *mailcatcher.Catcher, s Sender) *rig {
	t.Helper()
	counting := &countingSender{Sender: s}
	o, err := NewOutbox(db, counting, testFrom)
	require.NoError(t, err)
	clk := &clock{now: time.Date(2027, time.January, 15, 8, 0, 0, 0, time.UTC)}
	o.now = clk.Now
	return &rig{db: db, catcher: c, sender: counting, clock: clk, outbox: o}
}

// envelope is the publication notice with its .ics attachment, under key.
func envelope(t testing.TB, key string) Envelope {
	t.Helper()
	data := campaignPublishedExample()
	content, err := Render(TemplateCampaignPublished, data)
	require.NoError(t, err)
	return Envelope{
		Key:        key,
		Purpose:    TemplateCampaignPublished,
		CampaignID: data.CampaignID,
		To:         testRecipient,
		ReplyTo:    data.ReplyTo,
		Content:    content,
		Attachment: &Attachment{Name: "cloture.ics", ContentType: "text/calendar", Data: exampleDeadline().ICS(data.PublishedAt)},
	}
}

func exampleDeadline() Deadline {
	return Deadline{
		UID:         "aap/2027/dep-69/0193f5a2/close@aap",
		Summary:     "Clôture de l'appel à projets : Langue & emploi, Rhône",
		Description: "Dernier jour de dépôt des dossiers (Rhône (69)).",
		Day:         policy.Date{Year: 2027, Month: time.May, Day: 31},
	}
}

// row reads the outbox row of key.
func row(t testing.TB, db *gorm.DB, key string) models.Email {
	t.Helper()
	var e models.Email
	require.NoError(t, db.Where("key = ?", key).Take(&e).Error, "outbox row %q", key)
	return e
}

// setRow overwrites columns of the row of key, as another worker would have left them.
func setRow(t testing.TB, db *gorm.DB, key string, updates map[string]any) {
	t.Helper()
	res := db.Model(&models.Email{}).Where("key = ?", key).Updates(updates)
	require.NoError(t, res.Error)
	require.EqualValues(t, 1, res.RowsAffected, "row %q not updated", key)
}

// caught lists the caught messages, oldest first.
func caught(t testing.TB, c *mailcatcher.Catcher) []mailcatcher.Summary {
	t.Helper()
	list, err := c.List()
	require.NoError(t, err)
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// onlyMessage fetches the single caught message, failing if there is not exactly one.
func onlyMessage(t testing.TB, c *mailcatcher.Catcher) *mailcatcher.Message {
	t.Helper()
	list := caught(t, c)
	require.Len(t, list, 1, "caught messages")
	m, err := c.Get(list[0].ID)
	require.NoError(t, err)
	return m
}
