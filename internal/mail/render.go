// Package mail renders the engine's French emails from template files and
// delivers them exactly once through an outbox table and SMTP (go-mail).
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/dian-p104/aap/internal/rules/policy"
)

// Template names, one per purpose. Each has NAME.subject.tmpl, NAME.txt.tmpl and NAME.html.tmpl.
const (
	TemplateCampaignPublished   = "campaign_published"
	TemplateApplicationReceived = "application_received"
	TemplateCampaignClosed      = "campaign_closed"
	TemplateEmailUndeliverable  = "email_undeliverable"
	TemplateApplicationDecided  = "application_decided"
	TemplateConventionToSign    = "convention_to_sign"
	TemplateConventionReminder  = "convention_reminder"
	TemplateConventionUnsigned  = "convention_unsigned"
	TemplateConventionLapsed    = "convention_lapsed"
	TemplateCampaignCancelled   = "campaign_cancelled"
	TemplateCarifOrefActions    = "carif_oref_actions"
	TemplateConventionSigned    = "convention_signed"
	TemplatePNEInvitation       = "pne_invitation"
	TemplatePNEReminder         = "pne_reminder"
	// §8.5: the association told the date of its on-site control; the synthesis of a region's controls.
	TemplateControlPlanned           = "control_planned"
	TemplateControlSynthesisReminder = "control_synthesis_reminder"
	TemplateControlSynthesis         = "control_synthesis"
	// The compte-rendu financier (§8.4) and the renewals it blocks.
	TemplateFinancialReportReminder = "financial_report_reminder"
	TemplateFinancialReportMissing  = "financial_report_missing"
	TemplateRenewalBlocked          = "renewal_blocked"
	TemplatePNEList                 = "pne_list"
	TemplateCTAIOpinion             = "ctai_opinion"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Rendered is an email's subject and its two alternative bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

var funcs = map[string]any{
	"date":     FrenchDate,
	"datetime": FrenchDateTime,
	"euros":    Euros,
	"join":     strings.Join,
}

// Render fills the named template with data.
func Render(name string, data any) (Rendered, error) {
	subject, err := renderText(name+".subject.tmpl", data)
	if err != nil {
		return Rendered{}, err
	}
	text, err := renderText(name+".txt.tmpl", data)
	if err != nil {
		return Rendered{}, err
	}
	html, err := htmltemplate.New(name+".html.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/layout.html.tmpl", "templates/"+name+".html.tmpl")
	if err != nil {
		return Rendered{}, fmt.Errorf("parse %s: %w", name, err)
	}
	var htmlBuf bytes.Buffer
	if err := html.Execute(&htmlBuf, data); err != nil {
		return Rendered{}, fmt.Errorf("render %s.html: %w", name, err)
	}
	return Rendered{Subject: strings.TrimSpace(subject), Text: text, HTML: htmlBuf.String()}, nil
}

func renderText(file string, data any) (string, error) {
	t, err := texttemplate.New(file).Funcs(funcs).ParseFS(templateFS, "templates/"+file)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", file, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render %s: %w", file, err)
	}
	return buf.String(), nil
}

// FrenchDate writes an instant's Paris calendar day in French: "31 mai 2025".
func FrenchDate(t time.Time) string { return policy.DateOf(t).French() }

// FrenchDateTime writes an instant as a Paris day and time: "31 mai 2025 à 18 h 00"
// (a deadline that is not the end of a day must say its hour).
func FrenchDateTime(t time.Time) string {
	p := t.In(policy.Paris)
	return fmt.Sprintf("%s à %d h %02d", policy.DateOf(t).French(), p.Hour(), p.Minute())
}

// Euros writes integer cents the French way: "12 500,00 €" (no-break spaces).
func Euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	units := fmt.Sprint(cents / 100)
	var grouped strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			grouped.WriteRune('\u00a0')
		}
		grouped.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d\u00a0€", sign, grouped.String(), cents%100)
}
