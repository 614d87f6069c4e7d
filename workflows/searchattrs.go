package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attributes every aap workflow carries, so that DIAN can filter in the
// Temporal UI or with `temporal workflow list --query "AapTerritory='69'"`.
// None holds personal data.
var (
	// YearKey is the campaign's (or the PNE's) year.
	YearKey = temporal.NewSearchAttributeKeyInt64("AapYear")
	// TerritoryKey is the INSEE code of the region or department, or FR for a national workflow.
	TerritoryKey = temporal.NewSearchAttributeKeyKeyword("AapTerritory")
	// LevelKey is regional, departmental or national.
	LevelKey = temporal.NewSearchAttributeKeyKeyword("AapLevel")
	// PhaseKey is the workflow's current phase (scheduled, published, closed, …).
	PhaseKey = temporal.NewSearchAttributeKeyKeyword("AapPhase")
)

// A national workflow (the yearly PNE) carries these as its territory and level,
// so that every aap workflow has year, territory and phase.
const (
	NationalTerritory = "FR"
	LevelNational     = "national"
)

// SearchAttributes lists the custom search attributes to register in the namespace.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		YearKey.GetName():      enumspb.INDEXED_VALUE_TYPE_INT,
		TerritoryKey.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		LevelKey.GetName():     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		PhaseKey.GetName():     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	}
}
