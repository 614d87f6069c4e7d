package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/textinput"
)

// ErrTypeInvalidText: a command carries a text with a control character or invalid
// UTF-8. The API's door refuses them first (textinput); the validators refuse them
// again so that no caller (a worker, a test, a future door) can bring one to an
// activity, where the database would refuse it for good. Non-retryable: the same
// text is refused again. Its details are the refusal (textinput.Refusal).
const ErrTypeInvalidText = "InvalidText"

// text is one text field of a command: its name (as the API's JSON names it) and value.
type text struct{ field, value string }

// refuseBadText refuses the first text textinput.Check refuses, or returns nil.
func refuseBadText(texts ...text) error {
	for _, t := range texts {
		if r := textinput.Check(t.field, t.value); r != nil {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s : %s", r.Field, r.Message), ErrTypeInvalidText, nil, *r)
		}
	}
	return nil
}
