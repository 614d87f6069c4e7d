package workflows

// Change IDs for workflow.GetVersion live here, one constant per change, named
// for what it changes and documented in one line.
//
// Release policy (docs/releases.md): a release is a git tag (v1.0); the
// histories of every workflow type are recorded from it into
// testdata/histories/<release>/ (go run ./cmd/recordhistory -release v1.0).
// Between releases workflows change freely. A change that alters the commands
// of a workflow a released version may be running goes behind a GetVersion gate
// with its change ID below, and that release's histories keep replaying
// (replay_test.go).
const (
// None yet: release 1.0 is the baseline.
)
