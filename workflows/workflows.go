// Package workflows holds the Temporal workflows that carry a call for projects
// through its year. Workflows are deterministic: every side effect is an
// activity (package activities), every clock read is workflow.Now.
package workflows

import "github.com/dian-p104/aap/activities"

// TaskQueue is the one task queue the aap workers poll.
const TaskQueue = "aap"

// The workflow calls activities through this nil pointer, so calls are type-checked.
var acts *activities.Activities
