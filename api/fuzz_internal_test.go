package api

import (
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// FuzzDecodeRequests feeds every request type's JSON decoding and validation
// with arbitrary bodies: nothing may panic, and a refused body is always a
// Problem (400, 413 or 422), never an error that would turn into a 500.
// The seed corpus runs with `go test`; `go test -fuzz FuzzDecodeRequests ./api` explores.
func FuzzDecodeRequests(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `"x"`, `{"year": 2027}`, `{"year": "2027"}`, `{"budget_eur": 1e400}`,
		`{"budget_eur": 12.345}`, `{"budget_eur": -0.01}`, `{"budget_eur": "12"}`, `{"themes": [1]}`,
		`{"publish_at": "2027-02-30T10:00:00+01:00"}`, `{"inconnu": true}`, `{"year": 2027}}`, `{"a":`,
		`{"association": {"siret": "73282932000074", "cer_signed": true}, "project": {"requested_eur": 0.001}}`,
		`{"project": {"beneficiaries": {"bpi": -1, "non_bpi": 9999999999999999999}}}`,
		`{"decisions": [{"application_id": "x", "decision": "retenu", "granted_eur": 1.5, "tranches": [{"year": 1, "max_eur": 2}]}]}`,
		`{"decisions": null}`, `{"reason": "\u0000"}`, `{"signed_by": 12}`, `{"answered": true, "answered_at": "hier"}`,
		`{"year": 2027, "kind": "renewal", "territory": "69", "inhabitants": -1, "actions": [{"domain": "logement", "budget_eur": 1e30}]}`,
		`{"kind": "new", "coordinator": {"cost_eur": 0, "local_share_eur": 5}, "bilan": [{"beneficiaries": {"bpi": -2}}]}`,
		`{"email": 3}`,
	} {
		f.Add([]byte(seed))
	}
	pols, err := policy.Load(policies.FS)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	open := &models.Campaign{Year: 2027, Level: models.LevelDepartmental, Territory: "69", BudgetCents: 100_000_00,
		Themes: []string{"langue", "emploi"}, CloseAt: now.Add(30 * 24 * time.Hour)}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(name string, err error) {
			if err == nil {
				return
			}
			if _, ok := err.(*Problem); !ok {
				t.Fatalf("%s: %T %v is not a Problem (would answer 500)", name, err, err)
			}
		}
		var campaign CampaignRequest
		if err := decodeStrict(body, &campaign); err != nil {
			check("campaign", err)
		} else {
			campaign.validate(campaignRules{now: now, policies: pols})
		}
		var application ApplicationRequest
		if err := decodeStrict(body, &application); err != nil {
			check("application", err)
		} else {
			application.validate(open)
		}
		var sel SelectionRequest
		if err := decodeStrict(body, &sel); err != nil {
			check("selection", err)
		} else {
			sel.decisions(&models.Campaign{Level: models.LevelRegional, Territory: "84"})
		}
		var cancel CancelRequest
		check("cancel", decodeStrict(body, &cancel))
		var signature SignatureRequest
		check("signature", decodeStrict(body, &signature))
		var answer PNEAnswerRequest
		check("pne answer", decodeStrict(body, &answer))
		var email PNEEmailRequest
		check("pne email", decodeStrict(body, &email))
		var ctaiRequest CTAIRequestBody
		if err := decodeStrict(body, &ctaiRequest); err != nil {
			check("ctai", err)
		} else {
			ctaiRequest.validate(now, pols)
		}
	})
}

// FuzzParseAnswersCSV feeds the PNE import's parser with arbitrary files: no
// panic, and every refusal names a line.
func FuzzParseAnswersCSV(f *testing.F) {
	for _, seed := range []string{
		"token,submitdate\nt2,2027-04-02 10:00:00\n",
		"token;email;submitdate\nt2;;2027-04-02 10:00:00\nnope;;\n;commun@example.org;\n",
		"", "\n", "token\n\"unterminated\n", "email,submitdate\nx@y,2099-01-01 00:00:00\n",
		"\xef\xbb\xbftoken,submitdate\n,,,\n", "token,submitdate\nt1,2027-02-30 10:00:00\n",
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2027, 4, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, problems := parseAnswersCSV(body, now)
		for _, p := range problems {
			if p.Field == "" || p.Message == "" {
				t.Fatalf("a refusal without its line or message: %+v", p)
			}
		}
		if len(problems) == 0 {
			for _, r := range rows {
				if r.Line < 1 {
					t.Fatalf("row without a line number: %+v", r)
				}
			}
		}
	})
}
