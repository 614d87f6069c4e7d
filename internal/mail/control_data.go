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
	ReplyTo         string
	SenderLabel     string
}
