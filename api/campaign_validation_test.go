package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/api"
)

// validationCase is one request to POST /api/v1/campaigns: refused with
// exactly the field errors in refused, or accepted when refused is empty.
type validationCase struct {
	name    string
	now     time.Time // zero: fixedNow
	devMode bool
	edit    func(b body) body
	refused []fieldRule
}

// dates sets publish_at and close_at.
func dates(publish, closing string) func(b body) body {
	return func(b body) body { return b.with("publish_at", publish).with("close_at", closing) }
}

func set(key string, value any) func(b body) body {
	return func(b body) body { return b.with(key, value) }
}

func unset(key string) func(b body) body {
	return func(b body) body { return b.without(key) }
}

func budget(literal string) func(b body) body { return set("budget_eur", rawJSON(literal)) }

func refusedWith(field, rule string) []fieldRule { return []fieldRule{{field, rule}} }

// runValidationCases posts each case on a fresh engine and checks that a
// refusal is a 422 naming exactly the expected fields and rules, stores
// nothing and starts no workflow, and that an accepted request stores one
// campaign and starts one workflow.
func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []envOption
			if !tc.now.IsZero() {
				opts = append(opts, withNow(tc.now))
			}
			if tc.devMode {
				opts = append(opts, withDevMode())
			}
			e := newEnv(t, opts...)
			e.acceptStarts()
			b := validBody()
			if tc.edit != nil {
				b = tc.edit(b)
			}
			rec := e.postCampaign(t, b.json(t))
			if len(tc.refused) == 0 {
				require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
				assert.EqualValues(t, 1, e.storedCount(t), "an accepted campaign is stored")
				assert.Len(t, e.starts(t), 1, "an accepted campaign starts its workflow")
				return
			}
			requireFields(t, rec, tc.refused...)
			assert.Zero(t, e.storedCount(t), "a refused request stores nothing")
			assert.Empty(t, e.starts(t), "a refused request starts no workflow")
		})
	}
}

// Paris is UTC+1 until the last Sunday of March (28 March in 2027) and UTC+2
// from then to the last Sunday of October: 31 March and 31 May 2027 are summer days.
func TestCreateCampaignCalendarRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "accepted: published 31 March 23:30 Paris",
			edit: dates("2027-03-31T23:30:00+02:00", "2027-05-31T18:00:00+02:00")},
		{name: "accepted: published 31 March 23:30 Paris written in UTC",
			edit: dates("2027-03-31T21:30:00Z", "2027-05-31T18:00:00+02:00")},
		{name: "refused: published 1 April 00:30 Paris",
			edit:    dates("2027-04-01T00:30:00+02:00", "2027-05-31T18:00:00+02:00"),
			refused: refusedWith("publish_at", "publish_by")},
		{name: "accepted with the difficulty reported to DIAN: published 1 April 00:30 Paris (§8.3)",
			edit: func(b body) body {
				return dates("2027-04-01T00:30:00+02:00", "2027-05-31T18:00:00+02:00")(b.with("calendar_justification", "Crédits délégués le 2 avril."))
			}},
		{name: "refused: a blank difficulty is none",
			edit: func(b body) body {
				return dates("2027-04-01T00:30:00+02:00", "2027-05-31T18:00:00+02:00")(b.with("calendar_justification", "   "))
			},
			refused: refusedWith("publish_at", "publish_by")},
		{name: "refused: published 1 April 00:30 Paris written in UTC (still 31 March in UTC)",
			edit:    dates("2027-03-31T22:30:00Z", "2027-05-31T18:00:00+02:00"),
			refused: refusedWith("publish_at", "publish_by")},
		{name: "accepted: published the year before, 1 January 00:30 Paris written in UTC",
			edit: dates("2025-12-31T23:30:00Z", "2027-05-31T18:00:00+02:00")},
		{name: "refused: published two years before, 31 December 23:30 Paris written in UTC",
			edit:    dates("2025-12-31T22:30:00Z", "2027-05-31T18:00:00+02:00"),
			refused: refusedWith("publish_at", "campaign_year")},
		{name: "accepted: closed 31 May 23:59 Paris",
			edit: dates("2027-01-15T09:00:00+01:00", "2027-05-31T23:59:00+02:00")},
		{name: "accepted: closed 31 May 23:59 Paris written in UTC",
			edit: dates("2027-01-15T09:00:00+01:00", "2027-05-31T21:59:00Z")},
		{name: "refused: closed 1 June 00:01 Paris",
			edit:    dates("2027-01-15T09:00:00+01:00", "2027-06-01T00:01:00+02:00"),
			refused: refusedWith("close_at", "close_by")},
		{name: "accepted with the difficulty reported to DIAN: closed 1 June 00:01 Paris (§8.3)",
			edit: func(b body) body {
				return dates("2027-01-15T09:00:00+01:00", "2027-06-01T00:01:00+02:00")(b.with("calendar_justification", "Comité reporté."))
			}},
		{name: "refused even justified: closed after its year",
			edit: func(b body) body {
				return dates("2027-01-15T09:00:00+01:00", "2028-01-01T00:01:00+01:00")(b.with("calendar_justification", "Comité reporté."))
			},
			refused: refusedWith("close_at", "campaign_year")},
		{name: "refused: closed 1 June 00:01 Paris written in UTC (still 31 May in UTC)",
			edit:    dates("2027-01-15T09:00:00+01:00", "2027-05-31T22:01:00Z"),
			refused: refusedWith("close_at", "close_by")},
		{name: "refused: closed before publication",
			edit:    dates("2027-03-01T09:00:00+01:00", "2027-02-15T09:00:00+01:00"),
			refused: refusedWith("close_at", "after_publish_at")},
		{name: "refused: closed at the instant of publication",
			edit:    dates("2027-03-01T09:00:00+01:00", "2027-03-01T08:00:00Z"),
			refused: refusedWith("close_at", "after_publish_at")},
		{name: "accepted: closed one second after publication",
			edit: dates("2027-03-01T09:00:00+01:00", "2027-03-01T09:00:01+01:00")},
		{name: "refused: a 2026 campaign closing in May 2026 has closed already",
			edit: func(b body) body {
				return dates("2026-01-15T09:00:00+01:00", "2026-05-31T18:00:00+02:00")(b.with("year", 2026))
			},
			refused: refusedWith("close_at", "future")},
		{name: "refused: closing now is not in the future",
			now:     time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC),
			edit:    dates("2027-01-15T09:00:00+01:00", "2027-02-01T11:00:00+01:00"),
			refused: refusedWith("close_at", "future")},
		{name: "accepted: closing one second from now",
			now:  time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC),
			edit: dates("2027-01-15T09:00:00+01:00", "2027-02-01T11:00:01+01:00")},
		{name: "refused: publish_at missing",
			edit:    unset("publish_at"),
			refused: refusedWith("publish_at", "required")},
		{name: "refused: close_at not RFC 3339",
			edit:    set("close_at", "31/05/2027 18:00"),
			refused: refusedWith("close_at", "format")},
	})
}

func TestCreateCampaignYearRules(t *testing.T) {
	dates2024 := dates("2024-02-01T09:00:00+01:00", "2024-05-31T18:00:00+02:00")
	dates2028 := dates("2028-01-15T09:00:00+01:00", "2028-05-31T18:00:00+02:00")
	runValidationCases(t, []validationCase{
		{name: "accepted: next year (2027)"},
		{name: "refused: the year after next (2028)",
			edit: set("year", 2028), refused: refusedWith("year", "range")},
		{name: "accepted: the first policy year (2024) while it is current",
			now:  time.Date(2024, 1, 10, 10, 0, 0, 0, time.UTC),
			edit: func(b body) body { return dates2024(b.with("year", 2024)) }},
		{name: "refused: before the first policy year (2023)",
			edit: set("year", 2023), refused: refusedWith("year", "range")},
		{name: "refused: year missing",
			edit: unset("year"), refused: refusedWith("year", "required")},
		{name: "accepted: 2028 once it is 1 January 2027 in Paris (31 December 23:30 UTC)",
			now:  time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC),
			edit: func(b body) body { return dates2028(b.with("year", 2028)) }},
		{name: "refused: 2028 while it is still 31 December 2026 in Paris (22:30 UTC)",
			now:     time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC),
			edit:    func(b body) body { return dates2028(b.with("year", 2028)) },
			refused: refusedWith("year", "range")},
	})
}

func TestCreateCampaignLevelAndTerritoryRules(t *testing.T) {
	level := func(lvl, code string) func(b body) body {
		return func(b body) body { return b.with("level", lvl).with("territory", code) }
	}
	runValidationCases(t, []validationCase{
		{name: "accepted: departmental 69", edit: level("departmental", "69")},
		{name: "accepted: departmental 2A", edit: level("departmental", "2A")},
		{name: "accepted: departmental 976", edit: level("departmental", "976")},
		{name: "accepted: regional 84", edit: level("regional", "84")},
		{name: "refused: regional with the department code 2A",
			edit: level("regional", "2A"), refused: refusedWith("territory", "region")},
		{name: "refused: regional with the department code 976",
			edit: level("regional", "976"), refused: refusedWith("territory", "region")},
		{name: "refused: departmental 20 (Corsica has been 2A and 2B since 1976)",
			edit: level("departmental", "20"), refused: refusedWith("territory", "department")},
		{name: "refused: departmental 2a (codes are exact)",
			edit: level("departmental", "2a"), refused: refusedWith("territory", "department")},
		{name: "refused: level outside the enum",
			edit: level("national", "69"), refused: refusedWith("level", "enum")},
		{name: "refused: level missing",
			edit: unset("level"), refused: refusedWith("level", "required")},
	})
}

func TestCreateCampaignBudgetRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "accepted: one cent", edit: budget("0.01")},
		{name: "accepted: two decimals", edit: budget("12500.55")},
		{name: "refused: three decimals", edit: budget("10.555"), refused: refusedWith("budget_eur", "money")},
		{name: "refused: zero", edit: budget("0"), refused: refusedWith("budget_eur", "positive")},
		{name: "refused: zero with decimals", edit: budget("0.00"), refused: refusedWith("budget_eur", "positive")},
		{name: "refused: negative", edit: budget("-5"), refused: refusedWith("budget_eur", "money")},
		{name: "refused: exponent notation", edit: budget("1e3"), refused: refusedWith("budget_eur", "money")},
		{name: "refused: missing", edit: unset("budget_eur"), refused: refusedWith("budget_eur", "required")},
	})
}

func TestCreateCampaignListRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "accepted: every theme of the fixed list once",
			edit: set("themes", []string{"langue", "emploi", "acces_aux_droits", "sante", "logement", "mobilite",
				"parentalite", "culture_sport", "valeurs_republique", "egalite_femmes_hommes", "inclusion_numerique",
				"professionnalisation"})},
		{name: "refused: themes empty", edit: set("themes", []string{}), refused: refusedWith("themes", "required")},
		{name: "refused: themes missing", edit: unset("themes"), refused: refusedWith("themes", "required")},
		{name: "refused: unknown theme",
			edit: set("themes", []string{"langue", "cuisine"}), refused: refusedWith("themes[1]", "enum")},
		{name: "refused: duplicate theme",
			edit: set("themes", []string{"langue", "emploi", "langue"}), refused: refusedWith("themes[2]", "unique")},
		{name: "refused: indicators empty",
			edit: set("indicators", []string{}), refused: refusedWith("indicators", "required")},
		{name: "refused: a blank indicator",
			edit: set("indicators", []string{"bénéficiaires", "  "}), refused: refusedWith("indicators[1]", "required")},
		{name: "refused: evaluation_criteria empty",
			edit: set("evaluation_criteria", []string{}), refused: refusedWith("evaluation_criteria", "required")},
		{name: "refused: evaluation_criteria missing",
			edit: unset("evaluation_criteria"), refused: refusedWith("evaluation_criteria", "required")},
	})
}

func TestCreateCampaignTextRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "refused: agir_articulation blank",
			edit: set("agir_articulation", " \t\n "), refused: refusedWith("agir_articulation", "required")},
		{name: "refused: agir_articulation missing",
			edit: unset("agir_articulation"), refused: refusedWith("agir_articulation", "required")},
		{name: "accepted: title of 5 characters", edit: set("title", "Appel")},
		{name: "refused: title of 4 characters", edit: set("title", "Appe"), refused: refusedWith("title", "min_length")},
		{name: "refused: contact_email not an address",
			edit: set("contact_email", "ddets-integration"), refused: refusedWith("contact_email", "email")},
		{name: "refused: contact_email with a display name",
			edit:    set("contact_email", "DDETS <ddets@rhone.gouv.fr>"),
			refused: refusedWith("contact_email", "email")},
		{name: "refused: contact_email missing",
			edit: unset("contact_email"), refused: refusedWith("contact_email", "required")},
	})
}

func TestCreateCampaignPolicyRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "refused: demo outside dev mode",
			edit: set("policy", "demo"), refused: refusedWith("policy", "dev_only")},
		{name: "accepted: demo in dev mode", devMode: true, edit: set("policy", "demo")},
		{name: "accepted: demo in dev mode ignores the dates given",
			devMode: true, edit: func(b body) body { return dates("2020-01-01T00:00:00Z", "not a date")(b.with("policy", "demo")) }},
		{name: "refused: demo in dev mode still needs a year in range",
			devMode: true, edit: func(b body) body { return b.with("policy", "demo").with("year", 2030) },
			refused: refusedWith("year", "range")},
		{name: "refused: a policy named by its year",
			edit: set("policy", "2024"), refused: refusedWith("policy", "enum")},
	})
}

func TestCreateCampaignReportsEveryFailureAtOnce(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "five fields",
			edit: func(b body) body {
				return b.with("year", 2028).with("level", "national").with("budget_eur", rawJSON("0")).
					with("themes", []string{}).with("contact_email", "nobody")
			},
			refused: []fieldRule{{"year", "range"}, {"level", "enum"}, {"budget_eur", "positive"},
				{"themes", "required"}, {"contact_email", "email"}}},
		{name: "both dates late and the close before the publication",
			edit:    dates("2027-04-02T09:00:00+02:00", "2027-04-01T09:00:00+02:00"),
			refused: []fieldRule{{"publish_at", "publish_by"}, {"close_at", "after_publish_at"}}},
		{name: "close past its deadline, in the past, and before publication",
			edit: func(b body) body {
				return dates("2026-03-01T09:00:00+01:00", "2026-02-01T09:00:00+01:00")(b.with("year", 2025))
			},
			refused: []fieldRule{{"publish_at", "publish_by"}, {"close_at", "close_by"}, {"close_at", "future"},
				{"close_at", "after_publish_at"}}},
	})
}

// Decoding errors are validation errors too when they can name a field.
func TestCreateCampaignDecodingRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{name: "refused: unknown field", edit: set("budget", 12500), refused: refusedWith("budget", "unknown_field")},
		{name: "refused: year as a string", edit: set("year", "2027"), refused: refusedWith("year", "type")},
		{name: "refused: year with decimals", edit: set("year", 2027.5), refused: refusedWith("year", "type")},
		{name: "refused: themes as a string", edit: set("themes", "langue"), refused: refusedWith("themes", "type")},
		{name: "refused: budget_eur as a boolean", edit: set("budget_eur", true), refused: refusedWith("budget_eur", "type")},
	})
}

// A type error names the field and, in French, the JSON type it expects.
func TestDecodingErrorsNameTheExpectedType(t *testing.T) {
	e := newEnv(t)
	open := e.seedCampaign(t, seed{year: 2026, territory: "69", phase: "published",
		publishAt: fixedNow.Add(-time.Hour), closeAt: fixedNow.Add(time.Hour)})
	applications := "/api/v1/campaigns/" + open.ID + "/applications"

	for _, tc := range []struct {
		path, body, field, message string
	}{
		{"/api/v1/campaigns", `{"year": "2027"}`, "year", "type attendu : nombre"},
		{"/api/v1/campaigns", `{"title": 12}`, "title", "type attendu : chaîne de caractères"},
		{"/api/v1/campaigns", `{"themes": "langue"}`, "themes", "type attendu : liste"},
		{"/api/v1/campaigns", `{"themes": [1]}`, "themes", "type attendu : chaîne de caractères"},
		{"/api/v1/campaigns", `{"budget_eur": false}`, "budget_eur", "type attendu : nombre"},
		{applications, `{"association": "Entraide"}`, "association", "type attendu : objet"},
		{applications, `{"association": {"cer_signed": "oui"}}`, "association.cer_signed", "type attendu : booléen"},
		{applications, `{"project": {"beneficiaries": {"bpi": "dix"}}}`, "project.beneficiaries.bpi", "type attendu : nombre"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			rec := e.do(t, http.MethodPost, tc.path, []byte(tc.body))
			p := requireProblem(t, rec, http.StatusUnprocessableEntity, "validation_failed")
			require.Len(t, p.Fields, 1)
			assert.Equal(t, api.FieldError{Field: tc.field, Rule: "type", Message: tc.message}, p.Fields[0])
		})
	}
	assert.EqualValues(t, 1, e.storedCount(t), "only the seeded campaign is stored")
	assert.Empty(t, e.starts(t))
}
