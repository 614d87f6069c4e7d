package mail

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func TestDeliverBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()

		var batch []Envelope
		for i := range 4 {
			batch = append(batch, envelope(t, fmt.Sprintf("%s/%d", key, i)))
		}
		batch[3].To = "pas-une-adresse"
		require.NoError(t, r.outbox.Deliver(ctx, batch[0]), "one of the batch already sent")

		res := r.outbox.DeliverBatch(ctx, batch, 0)
		assert.ElementsMatch(t, []string{batch[0].Key, batch[1].Key, batch[2].Key}, res.Sent)
		require.Contains(t, res.Refused, batch[3].Key)
		requirePermanent(t, res.Refused[batch[3].Key])
		assert.Empty(t, res.Retry)
		assert.Equal(t, 3, r.catcher.Count(), "the email sent before is not sent again")

		res = r.outbox.DeliverBatch(ctx, batch, 0)
		assert.Len(t, res.Sent, 3, "a repeated batch sends nothing more")
		assert.Equal(t, 3, r.catcher.Count())
		for _, e := range batch[:3] {
			assert.Equal(t, models.EmailSent, row(t, db, e.Key).State)
		}
	})
}

func TestDeliverBatchRelayDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRigWithSender(t, db, nil, smtpSenderTo(t, closedAddr(t)))
		res := r.outbox.DeliverBatch(context.Background(), []Envelope{envelope(t, key)}, 0)
		assert.Empty(t, res.Sent)
		require.Contains(t, res.Retry, key)
		requireTransient(t, res.Retry[key])
	})
}
