package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// CampaignRequest is the body of POST /api/v1/campaigns.
type CampaignRequest struct {
	Year               int         `json:"year"`
	Level              string      `json:"level"`
	Territory          string      `json:"territory"`
	Title              string      `json:"title"`
	BudgetEUR          json.Number `json:"budget_eur"`
	Themes             []string    `json:"themes"`
	PublishAt          string      `json:"publish_at"`
	CloseAt            string      `json:"close_at"`
	AGIRArticulation   string      `json:"agir_articulation"`
	Indicators         []string    `json:"indicators"`
	EvaluationCriteria []string    `json:"evaluation_criteria"`
	ContactEmail       string      `json:"contact_email"`
	Policy             string      `json:"policy"`
	// CalendarJustification is the difficulty reported to DIAN when the call is published after
	// the end of Q1 or closes after 31 May (§8.3); required then, DIAN is emailed at once.
	CalendarJustification string `json:"calendar_justification"`
	// DemarchesSimplifiees: the call takes its dossiers from this DS démarche too.
	DemarchesSimplifiees *DSSourceInput `json:"demarches_simplifiees"`
}

// campaignRules are what the validation needs beside the request.
type campaignRules struct {
	now      time.Time
	policies *policy.Set
	devMode  bool
	ds       DSDescriptors
}

// validCampaign is a request that passed every rule, ready to store and start.
type validCampaign struct {
	campaign models.Campaign
	policy   policy.Policy
}

// validate checks every field and rule and returns all failures at once.
func (r *CampaignRequest) validate(rules campaignRules) (validCampaign, []FieldError) {
	v := &validation{}
	c := models.Campaign{
		Year: r.Year, Level: r.Level, Territory: strings.TrimSpace(r.Territory), Title: strings.TrimSpace(r.Title),
		AGIRArticulation: strings.TrimSpace(r.AGIRArticulation), ContactEmail: strings.TrimSpace(r.ContactEmail),
	}
	pol := r.checkYearAndPolicy(v, rules)
	r.checkTerritory(v)
	checkText(v, "title", c.Title, 5, 300)
	checkText(v, "agir_articulation", c.AGIRArticulation, 1, 5000)
	c.BudgetCents = checkEuros(v, "budget_eur", r.BudgetEUR)
	c.Themes = checkThemes(v, r.Themes)
	c.Indicators = checkList(v, "indicators", r.Indicators)
	c.EvaluationCriteria = checkList(v, "evaluation_criteria", r.EvaluationCriteria)
	checkEmail(v, "contact_email", c.ContactEmail)
	if pol.IsDemo() {
		// The demo policy places the dates itself, from now.
		c.PublishAt = rules.now.Add(time.Duration(pol.Demo.PublishAfter))
		c.CloseAt = rules.now.Add(time.Duration(pol.Demo.CloseAfter))
	} else {
		c.PublishAt, c.CloseAt = r.checkDates(v, rules.now, pol)
		c.PublishLate, c.CloseLate = r.late(pol, c.PublishAt, c.CloseAt)
		c.CalendarJustification = r.checkCalendarJustification(v, c.PublishLate || c.CloseLate)
	}
	c.PolicyName = pol.Name
	if r.DemarchesSimplifiees != nil {
		r.DemarchesSimplifiees.check(v, rules.ds)
	}
	if v.failed() {
		return validCampaign{}, v.errs
	}
	return validCampaign{campaign: c, policy: pol}, nil
}

func (r *CampaignRequest) checkYearAndPolicy(v *validation, rules campaignRules) policy.Policy {
	maxYear := rules.now.In(french.Paris).Year() + 1
	if r.Policy == policy.DemoName {
		if !rules.devMode {
			v.add("policy", "dev_only", "la politique « demo » n'est disponible qu'avec `aap dev`")
		} else if p, ok := rules.policies.Demo(); ok {
			r.checkYearRange(v, rules.policies.FirstYear(), maxYear)
			return p
		}
	} else if r.Policy != "" {
		v.add("policy", "enum", "valeur inconnue : laissez vide (règles de l'année) ou « demo »")
	}
	if !r.checkYearRange(v, rules.policies.FirstYear(), maxYear) {
		return policy.Policy{}
	}
	p, err := rules.policies.ForYear(r.Year)
	if err != nil {
		v.add("year", "policy", "aucune instruction annuelle ne couvre %d", r.Year)
	}
	return p
}

func (r *CampaignRequest) checkYearRange(v *validation, first, last int) bool {
	switch {
	case r.Year == 0:
		v.add("year", "required", "l'année de la campagne est obligatoire")
	case r.Year < first || r.Year > last:
		v.add("year", "range", "l'année doit être comprise entre %d (première instruction connue) et %d", first, last)
	default:
		return true
	}
	return false
}

func (r *CampaignRequest) checkTerritory(v *validation) {
	code := strings.TrimSpace(r.Territory)
	switch r.Level {
	case models.LevelRegional:
		if _, ok := territory.LookupRegion(code); !ok {
			v.add("territory", "region", "« %s » n'est pas un code INSEE de région (ex. 84 pour Auvergne-Rhône-Alpes)", code)
		}
	case models.LevelDepartmental:
		if _, ok := territory.LookupDepartment(code); !ok {
			v.add("territory", "department", "« %s » n'est pas un code INSEE de département (ex. 69, 2A, 974)", code)
		}
	case "":
		v.add("level", "required", "le niveau est obligatoire : regional ou departmental")
	default:
		v.add("level", "enum", "valeur attendue : regional ou departmental")
	}
}

// checkDates applies the calendar of the instruction (§8.3) in Paris calendar days. The end
// of Q1 and 31 May are objectives, not conditions:
//
//	« Il vous revient de mettre en œuvre toutes les actions possibles permettant de : lancer les
//	appels à projets territoriaux au plus tard à la fin du premier trimestre 2024 ; clôturer les
//	appels à projets au plus tard à la fin mai 2024. Il vous est demandé de remonter à la DIAN
//	toute difficulté que vous pourriez rencontrer »
//
// so a later date is accepted with the difficulty written (calendar_justification), reported
// to DIAN at once; without it, it is refused naming the date and the field to fill. A late
// call stays within its year.
func (r *CampaignRequest) checkDates(v *validation, now time.Time, p policy.Policy) (publish, closing time.Time) {
	publish, okPublish := parseInstant(v, "publish_at", r.PublishAt)
	closing, okClose := parseInstant(v, "close_at", r.CloseAt)
	if p.Name == "" { // year invalid: the calendar is unknown
		return publish, closing
	}
	justified := strings.TrimSpace(r.CalendarJustification) != ""
	if okPublish {
		pubDay, deadline := policy.DateOf(publish), p.Calendar.AAPPublishBy.In(r.Year)
		switch {
		case pubDay.Year < r.Year-1:
			v.add("publish_at", "campaign_year", "une campagne %d se publie en %d ou %d", r.Year, r.Year-1, r.Year)
		case pubDay.After(deadline) && !justified:
			v.add("publish_at", "publish_by", "la publication doit intervenir au plus tard le %s, fin du premier trimestre (§8.3) ; "+
				"pour une publication plus tardive, décrivez la difficulté dans calendar_justification : elle est signalée à la DIAN", deadline.French())
		case pubDay.Year > r.Year:
			v.add("publish_at", "campaign_year", "une campagne %d se publie au plus tard le 31 décembre %d", r.Year, r.Year)
		}
	}
	if okClose {
		closeDay, deadline := policy.DateOf(closing), p.Calendar.AAPCloseBy.In(r.Year)
		switch {
		case closeDay.After(deadline) && !justified:
			v.add("close_at", "close_by", "la clôture doit intervenir au plus tard le %s (§8.3) ; "+
				"pour une clôture plus tardive, décrivez la difficulté dans calendar_justification : elle est signalée à la DIAN", deadline.French())
		case closeDay.Year > r.Year:
			v.add("close_at", "campaign_year", "une campagne %d se clôture au plus tard le 31 décembre %d", r.Year, r.Year)
		}
		if !closing.After(now) {
			v.add("close_at", "future", "la date de clôture est déjà passée")
		}
		if okPublish && !closing.After(publish) {
			v.add("close_at", "after_publish_at", "la clôture doit suivre la publication")
		}
	}
	return publish, closing
}

// late tells whether the call is published after the policy's end of Q1 or closes after its
// 31 May, in Paris calendar days (a zero instant, unparsed, is never late).
func (r *CampaignRequest) late(p policy.Policy, publish, closing time.Time) (publishLate, closeLate bool) {
	if p.Name == "" {
		return false, false
	}
	publishLate = !publish.IsZero() && policy.DateOf(publish).After(p.Calendar.AAPPublishBy.In(r.Year))
	closeLate = !closing.IsZero() && policy.DateOf(closing).After(p.Calendar.AAPCloseBy.In(r.Year))
	return publishLate, closeLate
}

// checkCalendarJustification keeps the difficulty written for DIAN, only for a late call.
func (r *CampaignRequest) checkCalendarJustification(v *validation, late bool) string {
	text := strings.TrimSpace(r.CalendarJustification)
	if len([]rune(text)) > 5000 {
		v.add("calendar_justification", "max_length", "au plus 5000 caractères")
	}
	if !late {
		return ""
	}
	return text
}

func parseInstant(v *validation, field, value string) (time.Time, bool) {
	if value == "" {
		v.add(field, "required", "date obligatoire (RFC 3339, ex. 2027-03-01T09:00:00+01:00)")
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		v.add(field, "format", "date invalide : format RFC 3339 attendu (ex. 2027-03-01T09:00:00+01:00)")
		return time.Time{}, false
	}
	return t.UTC(), true
}

func checkThemes(v *validation, themes []string) []string {
	if len(themes) == 0 {
		v.add("themes", "required", "au moins une thématique")
		return nil
	}
	seen := map[string]bool{}
	for i, t := range themes {
		field := fmt.Sprintf("themes[%d]", i)
		switch {
		case !models.IsTheme(t):
			v.add(field, "enum", "thématique inconnue « %s »", t)
		case seen[t]:
			v.add(field, "unique", "thématique en double « %s »", t)
		}
		seen[t] = true
	}
	return themes
}

func checkList(v *validation, field string, items []string) []string {
	if len(items) == 0 {
		v.add(field, "required", "liste obligatoire : elle doit figurer dans l'appel dès sa publication (§8.4)")
		return nil
	}
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = strings.TrimSpace(item)
		checkText(v, fmt.Sprintf("%s[%d]", field, i), out[i], 1, 500)
	}
	return out
}
