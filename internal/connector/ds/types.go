package ds

import (
	"encoding/json"
	"time"
)

// Dossier states as DS names them (enum DossierState).
const (
	StateEnConstruction = "en_construction"
	StateEnInstruction  = "en_instruction"
	StateAccepte        = "accepte"
	StateRefuse         = "refuse"
	StateSansSuite      = "sans_suite"
)

// ChampDescriptor is one champ of a démarche's revision.
type ChampDescriptor struct {
	Typename string `json:"__typename"`
	ID       string `json:"id"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// Demarche is a démarche with its active revision's champs.
type Demarche struct {
	ID             string `json:"id"`
	Number         int    `json:"number"`
	ActiveRevision struct {
		ChampDescriptors []ChampDescriptor `json:"champDescriptors"`
	} `json:"activeRevision"`
}

// Champ is one answered champ of a dossier. The typed values are set for the
// champs whose type carries one.
type Champ struct {
	Typename          string          `json:"__typename"`
	ID                string          `json:"id"`
	ChampDescriptorID string          `json:"champDescriptorId"`
	Label             string          `json:"label"`
	StringValue       *string         `json:"stringValue"`
	Checked           *bool           `json:"checked,omitempty"`
	Yes               *bool           `json:"yes,omitempty"`
	IntegerValue      json.RawMessage `json:"integerValue,omitempty"` // BigInt: a string or a number
	DecimalValue      *float64        `json:"decimalValue,omitempty"`
}

// Dossier is one DS dossier of the démarche.
type Dossier struct {
	ID                       string    `json:"id"`
	Number                   int       `json:"number"`
	State                    string    `json:"state"`
	DateDepot                time.Time `json:"dateDepot"`
	DateDerniereModification time.Time `json:"dateDerniereModification"`
	Usager                   struct {
		Email string `json:"email"`
	} `json:"usager"`
	Champs []Champ `json:"champs"`
}

// Filed reports a dossier the usager has deposited: en construction or later
// (DS's API does not list drafts, but a state added later is not taken for one).
func (d Dossier) Filed() bool {
	switch d.State {
	case StateEnConstruction, StateEnInstruction, StateAccepte, StateRefuse, StateSansSuite:
		return true
	}
	return false
}

// PageInfo is the Relay cursor of a page of dossiers.
type PageInfo struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

// DossierPage is one page of a démarche's dossiers.
type DossierPage struct {
	PageInfo PageInfo  `json:"pageInfo"`
	Nodes    []Dossier `json:"nodes"`
}

// DossierRef is a dossier's identity and state, as a decision reads and returns it.
type DossierRef struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	State  string `json:"state"`
}
