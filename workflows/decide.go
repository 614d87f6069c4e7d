package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// oneAtATime makes an Update handler the one place that decides a command that
// can race (a signature, a selection, a cancellation). Validators are not
// enough: Temporal runs the validators of Updates that arrive together before
// any of their handlers, so every one of them sees the state from before the
// first decision. The handler therefore waits until no other command of the
// same workflow is being recorded, checks again against the state as it is now
// (the workflow is single-threaded: nothing changes between the check and the
// claim), and only then records. Of twenty identical commands sent together,
// one is recorded and the others are refused by that second check.
type oneAtATime struct{ busy bool }

// decide waits its turn, refuses with check's error, else runs record.
func (o *oneAtATime) decide(ctx workflow.Context, check, record func() error) error {
	if err := workflow.Await(ctx, func() bool { return !o.busy }); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	o.busy = true
	defer func() { o.busy = false }()
	return record()
}

// isConflict reports an activity's write that another command already won
// (the record had left the state the write needs).
func isConflict(err error) bool {
	return isRefusal(err, activities.ErrTypeConflict)
}

// isRefusal reports a refusal of the given type.
func isRefusal(err error, errType string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == errType
}
