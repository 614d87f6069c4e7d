package api

import (
	"context"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/workflows"
)

// workflowUpdate is one Update a handler asks of a workflow, and what the API
// answers when the workflow refuses it.
type workflowUpdate struct {
	WorkflowID string
	// UpdateID makes a resubmitted request the same Update; empty: Temporal makes one.
	UpdateID string
	Name     string
	Arg      any
	// Refusals are the refusals the caller can be told about.
	Refusals refusals
	// Ended is the answer when the workflow has ended: no Update reaches it.
	Ended error
}

// refusals maps the error types a workflow refuses an Update with to the API's
// answer; an answer of nil leaves the refusal an unexpected error (a 500).
type refusals map[string]func(*temporal.ApplicationError) error

// refusedWith answers every refusal of a type with the same Problem.
func refusedWith(p error) func(*temporal.ApplicationError) error {
	return func(*temporal.ApplicationError) error { return p }
}

// refusedWithDetails answers a refusal carrying the broken rules as its details with the
// Problem that lists them; a refusal whose details do not decode falls back on the
// generic mapping (nil).
func refusedWithDetails[V any](problem func([]V) error) func(*temporal.ApplicationError) error {
	return func(refusal *temporal.ApplicationError) error {
		var details []V
		if refusal.Details(&details) != nil {
			return nil
		}
		return problem(details)
	}
}

// runUpdate sends the Update, waits until the workflow has completed it, reads
// its result into result (when not nil) and maps a refusal to the API's answer.
func runUpdate(ctx context.Context, tc client.Client, u workflowUpdate, result any) error {
	handle, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: u.WorkflowID, UpdateID: u.UpdateID, UpdateName: u.Name,
		Args: []any{u.Arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, result)
	}
	if err == nil {
		return nil
	}
	if refusal := workflowRefusal(err); refusal != nil {
		if answer, ok := u.Refusals[refusal.Type()]; ok {
			if mapped := answer(refusal); mapped != nil {
				return mapped
			}
		}
		// The record the Update carried was refused by the database for good
		// (what the door let through): the caller is told, nothing is recorded.
		switch refusal.Type() {
		case workflows.ErrTypeInvalidText:
			return invalidTextProblem(refusal)
		case workflows.ErrTypeInvalidData:
			return errRecordRefused
		case workflows.ErrTypeDuplicate:
			return errRecordDuplicate
		}
	}
	if u.Ended != nil && workflowEnded(err) {
		return u.Ended
	}
	return err
}

// invalidTextProblem is the 422 of a text a workflow's validator refused (a control
// character the door did not see), naming the field and the rule as the door does.
func invalidTextProblem(refusal *temporal.ApplicationError) error {
	var r textinput.Refusal
	if refusal.Details(&r) != nil || r.Field == "" {
		return errRecordRefused
	}
	return ValidationProblem([]FieldError{{Field: r.Field, Rule: r.Rule, Message: r.Message}})
}
