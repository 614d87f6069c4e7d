package mail

import (
	"context"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// Through a relay that requires STARTTLS, one by one and in a batch, with its certificate
// trusted; a relay whose certificate is not trusted gets nothing, and the email stays
// pending for a retry.
func TestDeliverOverSTARTTLS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		relay := startTLSRelay(t)
		ctx := context.Background()

		untrusting := relay.sender(t)
		untrusting.tlsConfig.RootCAs = x509.NewCertPool()
		r := newRigWithSender(t, db, nil, untrusting)
		requireTransient(t, r.outbox.Deliver(ctx, envelope(t, key)))
		assert.Zero(t, relay.accepted.Load())
		assert.Equal(t, models.EmailPending, row(t, db, key).State)

		r = newRigWithSender(t, db, nil, relay.sender(t))
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		res := r.outbox.DeliverBatch(ctx, []Envelope{envelope(t, key), envelope(t, key+"/2"), envelope(t, key+"/3")}, 0)
		assert.Equal(t, []string{key, key + "/2", key + "/3"}, res.Sent, "refused %v, retry %v", res.Refused, res.Retry)
		assert.EqualValues(t, 3, relay.accepted.Load(), "the email sent alone is not sent again")
		assert.Equal(t, models.EmailSent, row(t, db, key+"/3").State)
	})
}
