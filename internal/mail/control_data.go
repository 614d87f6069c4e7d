package mail

// Emails of the on-site controls (§8.5): the date told to the association, and the region's
// synthesis with its reminders.

import "time"

// TemplateControlPlanned tells the association the date of its on-site control.
const TemplateControlPlanned = "control_planned"

// ControlPlannedData is the data of the email telling an association the date of its on-site control.
type ControlPlannedData struct {
	ControlID       string
	Reference       string
	AssociationName string
	ProjectTitle    string
	TerritoryLabel  string
	PlannedOn       time.Time
	Controller      string
	ReplyTo         string
	SenderLabel     string
	// CollectiviteName is set for an association funded through a CTAI (§8.5): the
	// email goes to the collectivité, which relays the date to the association.
	CollectiviteName string
}

// TemplateControlSynthesisReminder reminds the correspondent of the region's synthesis.
const TemplateControlSynthesisReminder = "control_synthesis_reminder"

// ControlSynthesisReminderData is the data of the reminder of the synthesis to a correspondent.
type ControlSynthesisReminderData struct {
	RegionLabel string
	Year        int
	DueAt       time.Time
	Reminder    int
	Planned     int
	Done        int
	ReplyTo     string
	SenderLabel string
}

// TemplateControlSynthesis carries a region's synthesis of its controls to DIAN.
const TemplateControlSynthesis = "control_synthesis"

// ControlSynthesisData is the data of the email carrying a region's synthesis to DIAN.
type ControlSynthesisData struct {
	RegionLabel     string
	Year            int
	DueAt           time.Time
	Planned         int
	Done            int
	Compliant       int
	NonCompliant    int
	Departments     int
	FollowUpsOpen   int
	FollowUpsClosed int
	RepaymentCents  int64
	FileName        string
	// Supplement numbers a supplementary synthesis (1, 2…), sent after the
	// synthesis for controls planned, results or follow-ups recorded since; 0: the synthesis.
	Supplement int
	// SentOn is the day the synthesis left (a supplement's only).
	SentOn      time.Time
	ReplyTo     string
	SenderLabel string
}

// TemplateControlGaps tells the region's correspondents and DIAN which
// departments had no on-site control held by the synthesis date (§8.5).
const TemplateControlGaps = "control_gaps"

// ControlGapsData is the data of the email flagging the departments without a control.
type ControlGapsData struct {
	RegionLabel string
	Year        int
	DueAt       time.Time
	Gaps        []ControlGapLine
	ReplyTo     string
	SenderLabel string
}

// ControlGapLine is one department without a control held.
type ControlGapLine struct {
	DepartmentLabel string
	// Candidates counts its conventions that could be controlled; Planned its controls planned but not held.
	Candidates int
	Planned    int
}
