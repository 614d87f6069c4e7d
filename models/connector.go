package models

import "time"

// Connector states, as the call's page and GET /api/v1/campaigns/{id}/connector show them.
const (
	ConnectorNeverPulled = "never_pulled" // no pull has run yet
	ConnectorOK          = "ok"           // the last pull succeeded
	ConnectorFailing     = "failing"      // the last pull failed: the next one resumes where it stopped
)

// DSConnector is a call's Démarches Simplifiées source: the démarche, the mapping of its
// champs to the dossier's fields, and the state of the pulls, kept durably so that a pull
// interrupted (DS down, a worker stopped) resumes from the cursor, and none is lost.
type DSConnector struct {
	CampaignID string `gorm:"primaryKey;size:36" json:"-"`
	Demarche   int    `json:"demarche"`
	// InstructeurID is the DS instructeur in whose name the decisions are sent.
	InstructeurID string            `gorm:"size:200" json:"instructeur_id"`
	Mapping       map[string]string `gorm:"serializer:json" json:"mapping"`
	// Cursor is the position within the pull under way (empty between pulls).
	Cursor string `gorm:"size:1000" json:"-"`
	// UpdatedSince is where the next pull starts: the last change DS reported, as DS dates it.
	UpdatedSince  *time.Time `json:"updated_since,omitempty"`
	LastPullAt    *time.Time `json:"last_pull_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastError     string     `gorm:"size:2000" json:"last_error,omitempty"`
	// Failures counts the pulls failed in a row.
	Failures  int       `json:"consecutive_failures"`
	CreatedAt time.Time `json:"-"`
	UpdatedAt time.Time `json:"-"`
}

// State says how the pulls go.
func (c DSConnector) State() string {
	switch {
	case c.LastPullAt == nil:
		return ConnectorNeverPulled
	case c.Failures > 0:
		return ConnectorFailing
	}
	return ConnectorOK
}

// ConnectorFieldError is one reason a dossier from a connector is refused, in French.
type ConnectorFieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// ChampID and Label name the DS champ that fills the field, when known.
	ChampID string `json:"champ_id,omitempty"`
	Label   string `json:"label,omitempty"`
}

// DSRefusal is a DS dossier the rules refused: listed on its call with each field's
// error until a later version of it is accepted.
type DSRefusal struct {
	ID          uint64                `gorm:"primaryKey" json:"-"`
	CampaignID  string                `gorm:"size:36;uniqueIndex:idx_ds_refusals_identity" json:"-"`
	DSNumber    int                   `gorm:"column:ds_number;uniqueIndex:idx_ds_refusals_identity" json:"ds_number"`
	DepositedAt time.Time             `json:"deposited_at"`
	Errors      []ConnectorFieldError `gorm:"serializer:json" json:"errors"`
	CreatedAt   time.Time             `json:"first_seen_at"`
	UpdatedAt   time.Time             `json:"last_seen_at"`
}

// ExternalDossier is a dossier a connector brings to the creation service of the API.
type ExternalDossier struct {
	CampaignID string
	// Key makes the filing idempotent: "ds:<démarche>:<dossier number>".
	Key      string
	DSNumber int
	// Body is the dossier as POST /api/v1/campaigns/{id}/applications takes it.
	Body []byte
	// DepositedAt is the platform's deposit time: §2.2.1 judges it, not the pull's.
	DepositedAt time.Time
}

// ExternalFiling is what became of an ExternalDossier: filed (or found filed), or refused.
type ExternalFiling struct {
	ApplicationID string
	Replayed      bool
	Refused       []ConnectorFieldError
}
