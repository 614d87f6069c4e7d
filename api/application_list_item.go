package api

import (
	"time"

	"github.com/dian-p104/aap/internal/store"
)

// ApplicationListItem is a dossier in a call's list (OpenAPI ApplicationListItem): a
// narrower view than GET /api/v1/applications/{id} gives, on purpose. The list reads
// only the columns it shows (store.ApplicationSummary) and encodes a flat struct, which
// is what keeps a page of a 10,000-dossier call cheap; the project's texts, contacts,
// co-funders and the renewal blocks' detail are on the dossier itself.
type ApplicationListItem struct {
	ID                string   `json:"id"`
	Reference         string   `json:"reference"`
	CampaignID        string   `json:"campaign_id"`
	Year              int      `json:"year"`
	SIRET             string   `json:"siret,omitempty"`
	RNA               string   `json:"rna,omitempty"`
	AssociationName   string   `json:"association_name"`
	Title             string   `json:"title"`
	Theme             string   `json:"theme"`
	RequestedCents    int64    `json:"requested_cents"`
	RequestedEUR      string   `json:"requested_eur"`
	TotalBudgetCents  int64    `json:"total_budget_cents"`
	TotalBudgetEUR    string   `json:"total_budget_eur"`
	DoubleFundingFlag bool     `json:"double_funding_flag"`
	DoubleFundingWith []string `json:"double_funding_with,omitempty"`
	Decision          string   `json:"decision,omitempty"`
	GrantedCents      int64    `json:"granted_cents"`
	DSNumber          *int     `json:"ds_number,omitempty"`
	// State is the state recorded in the database, as GET a dossier answers it by default.
	State           string     `json:"state"`
	StateSource     string     `json:"state_source"`
	StateRecordedAt *time.Time `json:"state_recorded_at,omitempty"`
	// Blocked and BlockedProvisionally: a renewal block in force, final or provisional (§8.4).
	Blocked              bool      `json:"blocked"`
	BlockedProvisionally bool      `json:"renewal_blocked_provisionally"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

func applicationListItem(a *store.ApplicationSummary) ApplicationListItem {
	return ApplicationListItem{ID: a.ID, Reference: a.Reference, CampaignID: a.CampaignID, Year: a.Year,
		SIRET: a.SIRET, RNA: a.RNA, AssociationName: a.AssociationName, Title: a.Title, Theme: a.Theme,
		RequestedCents: a.RequestedCents, RequestedEUR: formatEuros(a.RequestedCents),
		TotalBudgetCents: a.TotalBudgetCents, TotalBudgetEUR: formatEuros(a.TotalBudgetCents),
		DoubleFundingFlag: len(a.DoubleFundingWith) > 0, DoubleFundingWith: a.DoubleFundingWith,
		Decision: a.Decision, GrantedCents: a.GrantedCents, DSNumber: a.DSNumber,
		State: a.State, StateSource: stateFromDatabase, StateRecordedAt: recordedAt(a.StateRecordedAt, a.CreatedAt),
		Blocked: a.Blocked, BlockedProvisionally: a.BlockedProvisionally, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// ApplicationPage is a page of a call's list; Page and Total only without a cursor.
type ApplicationPage struct {
	Items      []ApplicationListItem `json:"items"`
	Total      *int64                `json:"total,omitempty"`
	Page       int                   `json:"page,omitempty"`
	PageSize   int                   `json:"page_size"`
	NextCursor string                `json:"next_cursor,omitempty"`
}
