package models

// Actor is who makes a change recorded in the audit trail: an API token's name
// (with its ID), a signed-in agent's (with the agent's ID), an association through its emailed link, or "workflow". It
// travels with a command a workflow decides (a signature, a selection, a
// cancellation) so that the one transaction recording the winning command also
// records who sent it.
type Actor struct {
	Name      string
	TokenID   *uint64 `json:",omitempty"`
	AgentID   *uint64 `json:",omitempty"`
	RequestID string  `json:",omitempty"`
}
