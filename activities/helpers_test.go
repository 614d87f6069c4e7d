package activities_test

import (
	"log/slog"
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
)

// withCatcher is an outbox delivering to an in-process SMTP catcher.
func withCatcher(t *testing.T, db *gorm.DB) (*mail.Outbox, *mailcatcher.Catcher) {
	t.Helper()
	catcher, err := mailcatcher.Start(mailcatcher.Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catcher.Close() })
	host, port, _ := net.SplitHostPort(catcher.Addr())
	p, _ := strconv.Atoi(port)
	outbox, err := mail.NewOutbox(db, mail.NewSMTPSender(config.SMTP{Host: host, Port: p, TLS: config.TLSNone}), "AAP <no-reply@aap.localhost>")
	require.NoError(t, err)
	return outbox, catcher
}
