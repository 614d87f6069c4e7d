package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// sleepUntil waits durably until t; a date already past returns at once.
func sleepUntil(ctx workflow.Context, t time.Time) error {
	if d := t.Sub(workflow.Now(ctx)); d > 0 {
		return workflow.Sleep(ctx, d)
	}
	return nil
}
