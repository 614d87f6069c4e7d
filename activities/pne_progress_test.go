package activities

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/mail"
)

// The heartbeat passes emails sent or refused for good, and stops for good at the first
// one to try again: the next attempt must send it and everything after it.
func TestMailingProgressStopsAtTheFirstEmailToRetry(t *testing.T) {
	p := mailingProgress{done: PNEMailingProgress{Through: 10, Sent: 4}}
	p.settle(11, nil)
	p.settle(12, &mail.PermanentError{Err: errors.New("550 no such mailbox")})
	require.Equal(t, PNEMailingProgress{Through: 12, Sent: 5, Refused: 1}, p.done)
	p.settle(13, errors.New("451 try again later"))
	p.settle(14, nil)
	p.settle(15, &mail.PermanentError{Err: errors.New("550")})
	require.Equal(t, PNEMailingProgress{Through: 12, Sent: 5, Refused: 1}, p.done, "13 failed for now: 14 and 15 are sent again (the outbox skips 14)")
}
