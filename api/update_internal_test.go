package api

import (
	"errors"
	"net/http"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/workflows"
)

// A text a workflow's validator refused answers the door's 422, naming the field
// and the rule; a refusal without its details still answers 422, never a 500.
func TestInvalidTextRefusalIsTheDoorsProblem(t *testing.T) {
	r := textinput.Check("signed_by", "Marie\x00 Curie")
	refusal := temporal.NewNonRetryableApplicationError("signed_by : "+r.Message, workflows.ErrTypeInvalidText, nil, *r)
	var p *Problem
	if !errors.As(invalidTextProblem(refusal.(*temporal.ApplicationError)), &p) {
		t.Fatal("not a Problem")
	}
	if p.Status != http.StatusUnprocessableEntity || len(p.Fields) != 1 || p.Fields[0].Field != "signed_by" || p.Fields[0].Rule != textinput.RuleControlCharacter {
		t.Fatalf("got %+v", p)
	}
	bare := temporal.NewNonRetryableApplicationError("signed_by", workflows.ErrTypeInvalidText, nil)
	if !errors.As(invalidTextProblem(bare.(*temporal.ApplicationError)), &p) || p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("without details: %+v", p)
	}
}
