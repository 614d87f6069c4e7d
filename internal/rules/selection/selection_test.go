package selection

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const nbsp = "\u00a0"

// eur builds the French writing of an amount with no-break spaces: eur("12 500,00") == "12 500,00 €".
func eur(s string) string { return strings.ReplaceAll(s, " ", nbsp) + nbsp + "€" }

// pct builds "68,4 %" with a no-break space.
func pct(s string) string { return s + nbsp + "%" }

func rules2024() Rules {
	return Rules{
		EnvelopeCents:                 800_000_00,
		Year:                          2024,
		EmploymentLanguageThemes:      []string{"emploi", "langue"},
		EmploymentLanguageMinPercent:  70,
		NonBPIBeneficiariesMinPercent: 30,
		PNEMissesBlockingRenewal:      2,
	}
}

func rules2025() Rules {
	r := rules2024()
	r.Year = 2025
	r.PNEMissesBlockingRenewal = 1
	return r
}

// dos is a dossier of theme "emploi" asking 100 000 € for 10 BPI and 10 other beneficiaries,
// changed by the options.
func dos(id string, opts ...func(*Dossier)) Dossier {
	d := Dossier{
		ApplicationID: id, AssociationName: "Association " + id, Theme: "emploi",
		RequestedCents: 100_000_00, BeneficiariesBPI: 10, BeneficiariesNonBPI: 10,
	}
	for _, o := range opts {
		o(&d)
	}
	return d
}

func theme(t string) func(*Dossier)     { return func(d *Dossier) { d.Theme = t } }
func request(c int64) func(*Dossier)    { return func(d *Dossier) { d.RequestedCents = c } }
func agir() func(*Dossier)              { return func(d *Dossier) { d.AGIRRedundant = true } }
func pneMissed(y ...int) func(*Dossier) { return func(d *Dossier) { d.PNEMissedYears = y } }
func doubleWith(ids ...string) func(*Dossier) {
	return func(d *Dossier) { d.DoubleFundingWith = ids }
}
func beneficiaries(bpi, other int) func(*Dossier) {
	return func(d *Dossier) { d.BeneficiariesBPI, d.BeneficiariesNonBPI = bpi, other }
}

func ret(id string, granted int64) Decision {
	return Decision{ApplicationID: id, Decision: Retained, GrantedCents: granted, Score: 80}
}

func rej(id, reason string) Decision {
	return Decision{ApplicationID: id, Decision: NotRetained, Score: 35, Reason: reason}
}

func with(d Decision, f func(*Decision)) Decision { f(&d); return d }

// want is one expected violation: its rule, dossier, field and figures the message must contain.
type want struct {
	rule, id, field string
	contains        []string
}

type checkCase struct {
	name      string
	rules     Rules
	dossiers  []Dossier
	decisions []Decision
	want      []want // nil: accepted
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.rules, tc.dossiers, tc.decisions)
			if tc.want == nil {
				require.Nil(t, got, "expected the selection to be accepted")
				return
			}
			require.Len(t, got, len(tc.want), "violations: %+v", got)
			for i, w := range tc.want {
				require.Equal(t, w.rule, got[i].Rule, "violation %d: %+v", i, got[i])
				require.Equal(t, w.id, got[i].ApplicationID, "violation %d", i)
				require.Equal(t, w.field, got[i].Field, "violation %d", i)
				for _, s := range w.contains {
					require.Contains(t, got[i].Message, s, "violation %d", i)
				}
			}
		})
	}
}

func TestStructuralRules(t *testing.T) {
	r := rules2024()
	two := []Dossier{dos("A"), dos("B")}
	runCases(t, []checkCase{
		{name: "all decided, accepted", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), rej("B", "budget insuffisamment détaillé")}},
		{name: "unknown_application refused", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), rej("B", "hors sujet"), ret("Z", 1_00)},
			want:      []want{{RuleUnknownApplication, "Z", "decisions[2].application_id", []string{"« Z »"}}}},
		{name: "unknown_application with an empty id", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), rej("B", "hors sujet"), rej("", "x")},
			want:      []want{{RuleUnknownApplication, "", "decisions[2].application_id", []string{"aucun dossier"}}}},
		{name: "duplicate_decision refused", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), rej("B", "hors sujet"), rej("A", "finalement non")},
			want:      []want{{RuleDuplicateDecision, "A", "decisions[2].application_id", []string{"« A »", "decisions[0]"}}}},
		{name: "missing_decision refused", rules: r, dossiers: []Dossier{dos("A"), dos("C"), dos("B")},
			decisions: []Decision{ret("A", 50_000_00)},
			want: []want{
				{RuleMissingDecision, "B", "decisions", []string{"« B »", "Association B", "§8"}},
				{RuleMissingDecision, "C", "decisions", []string{"« C »", "Association C"}},
			}},
		{name: "decision_enum refused", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), {ApplicationID: "B", Decision: "ajourné", Score: 50, Reason: "à revoir"}},
			want:      []want{{RuleDecisionEnum, "B", "decisions[1].decision", []string{"« ajourné »", Retained, NotRetained}}}},
		{name: "decision_enum refuses the empty decision", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), {ApplicationID: "B", Score: 50}},
			want:      []want{{RuleDecisionEnum, "B", "decisions[1].decision", nil}}},
		{name: "score_range accepts 0 and 100", rules: r, dossiers: two,
			decisions: []Decision{with(ret("A", 50_000_00), func(d *Decision) { d.Score = 100 }), with(rej("B", "faible"), func(d *Decision) { d.Score = 0 })}},
		{name: "score_range refuses -1 and 101", rules: r, dossiers: two,
			decisions: []Decision{with(ret("A", 50_000_00), func(d *Decision) { d.Score = 101 }), with(rej("B", "faible"), func(d *Decision) { d.Score = -1 })},
			want: []want{
				{RuleScoreRange, "A", "decisions[0].score", []string{"(101)", "0 et 100"}},
				{RuleScoreRange, "B", "decisions[1].score", []string{"(-1)"}},
			}},
		{name: "reason_required refused when empty or blank", rules: r, dossiers: two,
			decisions: []Decision{rej("A", ""), rej("B", " \t\n")},
			want: []want{
				{RuleReasonRequired, "A", "decisions[0].reason", []string{"« A »"}},
				{RuleReasonRequired, "B", "decisions[1].reason", []string{"« B »"}},
			}},
		{name: "reason not required of a retained dossier", rules: r, dossiers: two,
			decisions: []Decision{ret("A", 50_000_00), ret("B", 50_000_00)}},
	})
}

func TestGrantedRules(t *testing.T) {
	r := rules2024()
	one := []Dossier{dos("A", request(10_000_00))}
	runCases(t, []checkCase{
		{name: "granted_positive accepts one cent", rules: r, dossiers: one, decisions: []Decision{ret("A", 1)}},
		{name: "granted_positive refuses zero", rules: r, dossiers: one, decisions: []Decision{ret("A", 0)},
			want: []want{{RuleGrantedPositive, "A", "decisions[0].granted_eur", []string{eur("0,00")}}}},
		{name: "granted_positive refuses a negative amount", rules: r, dossiers: one, decisions: []Decision{ret("A", -1_500_00)},
			want: []want{{RuleGrantedPositive, "A", "decisions[0].granted_eur", []string{"-" + eur("1 500,00")}}}},
		{name: "granted_not_retained accepts zero", rules: r, dossiers: one, decisions: []Decision{rej("A", "hors sujet")}},
		{name: "granted_not_retained refuses an amount", rules: r, dossiers: one,
			decisions: []Decision{with(rej("A", "hors sujet"), func(d *Decision) { d.GrantedCents = 5_000_00 })},
			want:      []want{{RuleGrantedNotRetained, "A", "decisions[0].granted_eur", []string{eur("5 000,00")}}}},
		{name: "granted_above_request accepts exactly the request", rules: r, dossiers: one, decisions: []Decision{ret("A", 10_000_00)}},
		{name: "granted_above_request refuses one cent more", rules: r, dossiers: one, decisions: []Decision{ret("A", 10_000_01)},
			want: []want{{RuleGrantedAboveRequest, "A", "decisions[0].granted_eur", []string{eur("10 000,01"), eur("10 000,00")}}}},
	})
}

func TestAGIRAndDoubleFunding(t *testing.T) {
	r := rules2024()
	runCases(t, []checkCase{
		{name: "agir_redundant refused when retained", rules: r, dossiers: []Dossier{dos("A", agir())},
			decisions: []Decision{ret("A", 50_000_00)},
			want:      []want{{RuleAGIRRedundant, "A", "decisions[0].decision", []string{"« A »", "Association A", "AGIR", "§8.2"}}}},
		{name: "agir_redundant accepted when not retained", rules: r, dossiers: []Dossier{dos("A", agir())},
			decisions: []Decision{rej("A", "redondant avec AGIR")}},
		{name: "double funding justified accepted", rules: r, dossiers: []Dossier{dos("A", doubleWith("R-12"))},
			decisions: []Decision{with(ret("A", 50_000_00), func(d *Decision) { d.DoubleFundingJustified = "actions distinctes, publics différents" })}},
		{name: "double_funding_unjustified refused when empty", rules: r, dossiers: []Dossier{dos("A", doubleWith("R-12", "D-7"))},
			decisions: []Decision{ret("A", 50_000_00)},
			want:      []want{{RuleDoubleFundingUnjustified, "A", "decisions[0].double_funding_justification", []string{"« R-12 », « D-7 »", "§3.2"}}}},
		{name: "double_funding_unjustified refused when blank", rules: r, dossiers: []Dossier{dos("A", doubleWith("R-12"))},
			decisions: []Decision{with(ret("A", 50_000_00), func(d *Decision) { d.DoubleFundingJustified = "  \t " })},
			want:      []want{{RuleDoubleFundingUnjustified, "A", "decisions[0].double_funding_justification", []string{"« R-12 »"}}}},
		{name: "double funding not retained needs no justification", rules: r, dossiers: []Dossier{dos("A", doubleWith("R-12"))},
			decisions: []Decision{rej("A", "déjà financé par la région")}},
		{name: "no double funding needs no justification", rules: r, dossiers: []Dossier{dos("A", doubleWith())},
			decisions: []Decision{ret("A", 50_000_00)}},
	})
}

func TestPNERules(t *testing.T) {
	r24, r25 := rules2024(), rules2025()
	one := func(years ...int) []Dossier { return []Dossier{dos("A", pneMissed(years...))} }
	keep := []Decision{ret("A", 50_000_00)}
	blocked := func(contains ...string) []want {
		return []want{{RulePNEBlocked, "A", "decisions[0].decision", append([]string{"Association A", "§8.4"}, contains...)}}
	}
	disabled := r25
	disabled.PNEMissesBlockingRenewal = 0
	runCases(t, []checkCase{
		{name: "2024: answered every year", rules: r24, dossiers: one(), decisions: keep},
		{name: "2024: missed 2023 and then 2024 blocked", rules: r24, dossiers: one(2024, 2023), decisions: keep,
			want: blocked("PNE 2022 (envoyé en 2023) et 2023 (envoyé en 2024)", "retenu en 2024")},
		{name: "2024: missed 2022, 2023 and 2024 blocked", rules: r24, dossiers: one(2022, 2023, 2024), decisions: keep,
			want: blocked("PNE 2022 (envoyé en 2023) et 2023 (envoyé en 2024)")},
		{name: "2024: missed only 2024 not blocked", rules: r24, dossiers: one(2024), decisions: keep},
		{name: "2024: missed only 2023 not blocked", rules: r24, dossiers: one(2023), decisions: keep},
		{name: "2024: missed 2024 twice listed not blocked", rules: r24, dossiers: one(2024, 2024), decisions: keep},
		{name: "2024: missed 2022 and 2024 not blocked", rules: r24, dossiers: one(2022, 2024), decisions: keep},
		{name: "2024: blocked but not retained", rules: r24, dossiers: one(2023, 2024), decisions: []Decision{rej("A", "PNE non renseigné")}},
		{name: "2025: missed 2025 blocked", rules: r25, dossiers: one(2025), decisions: keep,
			want: blocked("PNE 2024 (envoyé en 2025)", "retenu en 2025")},
		{name: "2025: missed 2024 and 2025 blocked", rules: r25, dossiers: one(2024, 2025), decisions: keep,
			want: blocked("PNE 2024 (envoyé en 2025) :")},
		{name: "2025: missed only 2024 not blocked", rules: r25, dossiers: one(2024), decisions: keep},
		{name: "2025: missed a later year only not blocked", rules: r25, dossiers: one(2026), decisions: keep},
		{name: "rule disabled with 0", rules: disabled, dossiers: one(2024, 2023), decisions: keep},
	})
}

func TestFinancialReportRule(t *testing.T) {
	r := rules2025()
	missing := func(reports ...string) []Dossier {
		return []Dossier{dos("A", func(d *Dossier) { d.MissingFinancialReports = reports })}
	}
	crf := "le compte-rendu financier de la convention « CONV-2027-69-AB12CD34 » (exercice 2027), attendu au plus tard le 30 juin 2028"
	runCases(t, []checkCase{
		{name: "every report received: retained", rules: r, dossiers: missing(), decisions: []Decision{ret("A", 50_000_00)}},
		{name: "a report missing: refused with the convention", rules: r, dossiers: missing(crf), decisions: []Decision{ret("A", 50_000_00)},
			want: []want{{RuleFinancialReportMissing, "A", "decisions[0].decision", []string{"Association A", "CONV-2027-69-AB12CD34", "30 juin 2028", "§8.4"}}}},
		{name: "a report missing: not retained is fine", rules: r, dossiers: missing(crf), decisions: []Decision{rej("A", "compte-rendu financier manquant")}},
	})
}

func TestEnvelope(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 1_000_000_00
	big := []Dossier{dos("A", request(2_000_000_00))}
	runCases(t, []checkCase{
		{name: "exactly the envelope accepted", rules: r, dossiers: big, decisions: []Decision{ret("A", 1_000_000_00)}},
		{name: "one cent over refused", rules: r, dossiers: big, decisions: []Decision{ret("A", 1_000_000_01)},
			want: []want{{RuleEnvelope, "", "decisions", []string{eur("1 000 000,01"), eur("1 000 000,00")}}}},
	})

	// The message reads exactly as the correspondent expects.
	r.EnvelopeCents = 800_000_00
	got := Check(r, []Dossier{dos("A", request(500_000_00)), dos("B", request(500_000_00))},
		[]Decision{ret("A", 500_000_00), ret("B", 312_000_00)})
	require.Equal(t, []Violation{{
		Rule: RuleEnvelope, Field: "decisions",
		Message: "le total accordé (812\u00a0000,00\u00a0€) dépasse l'enveloppe de l'appel (800\u00a0000,00\u00a0€)",
	}}, got)
}

func TestEmploymentLanguageShare(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 2_000_000_00
	ds := []Dossier{dos("E", theme("emploi"), request(1_000_000_00)), dos("L", theme("langue"), request(1_000_000_00)), dos("S", theme("sante"), request(1_000_000_00))}
	runCases(t, []checkCase{
		{name: "exactly 70 % accepted", rules: r, dossiers: ds,
			decisions: []Decision{ret("E", 400_000_00), ret("L", 300_000_00), ret("S", 300_000_00)}},
		{name: "one cent under 70 % refused", rules: r, dossiers: ds,
			decisions: []Decision{ret("E", 400_000_00), ret("L", 299_999_99), ret("S", 300_000_01)},
			want: []want{{RuleEmploymentLanguageShare, "", RuleObjectivesJustification,
				[]string{eur("699 999,99"), eur("1 000 000,00"), pct("69,9"), pct("70")}}}},
		{name: "68,4 % refused with its figures", rules: r, dossiers: ds,
			decisions: []Decision{ret("E", 684_000_00), rej("L", "hors délai"), ret("S", 316_000_00)},
			want: []want{{RuleEmploymentLanguageShare, "", RuleObjectivesJustification,
				[]string{eur("684 000,00"), eur("1 000 000,00"), pct("68,4"), "§8.1"}}}},
		{name: "only not-retained dossiers: no share to judge", rules: r, dossiers: ds,
			decisions: []Decision{rej("E", "a"), rej("L", "b"), rej("S", "c")}},
		{name: "all employment and language accepted", rules: r, dossiers: ds,
			decisions: []Decision{ret("E", 1_00), ret("L", 1_00), rej("S", "c")}},
		{name: "themes are matched exactly", rules: r, dossiers: []Dossier{dos("X", theme("Emploi"))},
			decisions: []Decision{ret("X", 1_00)},
			want:      []want{{RuleEmploymentLanguageShare, "", RuleObjectivesJustification, []string{pct("0,0")}}}},
	})
}

func TestNonBPIShare(t *testing.T) {
	r := rules2024()
	mk := func(bpi, other int) []Dossier {
		return []Dossier{dos("A", beneficiaries(bpi, other)), dos("B", beneficiaries(0, 0)), dos("C", beneficiaries(1000, 0))}
	}
	decide := []Decision{ret("A", 10_000_00), ret("B", 10_000_00), rej("C", "hors public")}
	runCases(t, []checkCase{
		{name: "exactly 30 % accepted", rules: r, dossiers: mk(70, 30), decisions: decide},
		{name: "one beneficiary under 30 % refused", rules: r, dossiers: mk(71, 29), decisions: decide,
			want: []want{{RuleNonBPIShare, "", RuleObjectivesJustification, []string{"29 bénéficiaires sur 100", pct("29,0"), pct("30"), "§8.1"}}}},
		{name: "not-retained dossiers do not count", rules: r, dossiers: mk(0, 1), decisions: decide},
		{name: "no beneficiaries: no share to judge", rules: r, dossiers: mk(0, 0), decisions: decide},
		{name: "large figures are grouped", rules: r, dossiers: mk(9000, 1000), decisions: decide,
			want: []want{{RuleNonBPIShare, "", RuleObjectivesJustification, []string{"1" + nbsp + "000 bénéficiaires sur 10" + nbsp + "000", pct("10,0")}}}},
	})
}

// realistic is a departmental call of 2024 with six dossiers, decided as a committee would.
func realistic() (Rules, []Dossier, []Decision) {
	r := rules2024()
	r.EnvelopeCents = 500_000_00
	dossiers := []Dossier{
		{ApplicationID: "AAP-2024-69-001", AssociationName: "Langues en partage", Theme: "langue",
			RequestedCents: 120_000_00, BeneficiariesBPI: 40, BeneficiariesNonBPI: 60},
		{ApplicationID: "AAP-2024-69-002", AssociationName: "Emploi d'abord", Theme: "emploi",
			RequestedCents: 150_000_00, BeneficiariesBPI: 50, BeneficiariesNonBPI: 30, PNEMissedYears: []int{2024}},
		{ApplicationID: "AAP-2024-69-003", AssociationName: "Santé pour tous", Theme: "sante",
			RequestedCents: 80_000_00, BeneficiariesBPI: 20, BeneficiariesNonBPI: 20},
		{ApplicationID: "AAP-2024-69-004", AssociationName: "Toit solidaire", Theme: "logement",
			RequestedCents: 90_000_00, BeneficiariesBPI: 15, BeneficiariesNonBPI: 5, PNEMissedYears: []int{2024, 2023}},
		{ApplicationID: "AAP-2024-69-005", AssociationName: "Français langue d'accueil", Theme: "langue",
			RequestedCents: 200_000_00, BeneficiariesBPI: 30, BeneficiariesNonBPI: 50, DoubleFundingWith: []string{"AAP-2024-84-017"}},
		{ApplicationID: "AAP-2024-69-006", AssociationName: "Accompagnement global Rhône", Theme: "emploi",
			RequestedCents: 110_000_00, BeneficiariesBPI: 80, BeneficiariesNonBPI: 0, AGIRRedundant: true},
	}
	decisions := []Decision{
		{ApplicationID: "AAP-2024-69-001", Decision: Retained, GrantedCents: 100_000_00, Score: 82, Reason: "projet solide, résultats 2023 conformes"},
		{ApplicationID: "AAP-2024-69-002", Decision: Retained, GrantedCents: 150_000_00, Score: 88},
		{ApplicationID: "AAP-2024-69-003", Decision: Retained, GrantedCents: 60_000_00, Score: 64},
		{ApplicationID: "AAP-2024-69-004", Decision: NotRetained, Score: 40, Reason: "PNE non renseigné en 2022 et 2023 (§8.4)"},
		{ApplicationID: "AAP-2024-69-005", Decision: Retained, GrantedCents: 180_000_00, Score: 91,
			DoubleFundingJustified: "le dossier régional finance un autre public (jeunes de 16 à 25 ans)"},
		{ApplicationID: "AAP-2024-69-006", Decision: NotRetained, Score: 30, Reason: "accompagnement global redondant avec AGIR (§8.2)"},
	}
	return r, dossiers, decisions
}

func TestRealisticSelectionPasses(t *testing.T) {
	r, dossiers, decisions := realistic()
	require.Nil(t, Check(r, dossiers, decisions))
	require.Equal(t, Totals{
		GrantedCents:            490_000_00,
		EmploymentLanguageCents: 430_000_00,
		RetainedCount:           4,
		NotRetainedCount:        2,
		BeneficiariesBPI:        140,
		BeneficiariesNonBPI:     160,
	}, Summarise(r, dossiers, decisions))

	// Judged in 2025 (one miss blocks), it stays acceptable: "Emploi d'abord" missed 2024,
	// not the 2025 questionnaire.
	r25 := r
	r25.Year, r25.PNEMissesBlockingRenewal = 2025, 1
	require.Nil(t, Check(r25, dossiers, decisions))

	// Judged in 2024 with the 2025 rule (one miss blocks), the dossier missing 2024 is refused.
	r24strict := r
	r24strict.PNEMissesBlockingRenewal = 1
	got := Check(r24strict, dossiers, decisions)
	require.Len(t, got, 1)
	require.Equal(t, RulePNEBlocked, got[0].Rule)
	require.Equal(t, "AAP-2024-69-002", got[0].ApplicationID)
	require.Equal(t, "decisions[1].decision", got[0].Field)
	require.Contains(t, got[0].Message, "Emploi d'abord")
}

func TestOrder(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 100_000_00
	dossiers := []Dossier{
		dos("A", theme("sante"), agir(), doubleWith("X"), beneficiaries(100, 0)),
		dos("B", theme("sante"), beneficiaries(100, 0)),
		dos("C"),
		dos("D"),
	}
	decisions := []Decision{
		ret("A", 90_000_00),
		{ApplicationID: "Q", Decision: "peut-être", Score: 101},
		with(rej("B", ""), func(d *Decision) { d.GrantedCents = 10 }),
		ret("B", 200_000_00),
	}
	got := Check(r, dossiers, decisions)
	type key struct{ rule, id, field string }
	var keys []key
	for _, v := range got {
		keys = append(keys, key{v.Rule, v.ApplicationID, v.Field})
	}
	require.Equal(t, []key{
		// structural, in the order of decisions
		{RuleUnknownApplication, "Q", "decisions[1].application_id"},
		{RuleDecisionEnum, "Q", "decisions[1].decision"},
		{RuleScoreRange, "Q", "decisions[1].score"},
		{RuleReasonRequired, "B", "decisions[2].reason"},
		{RuleDuplicateDecision, "B", "decisions[3].application_id"},
		// dossiers without a decision, by ApplicationID
		{RuleMissingDecision, "C", "decisions"},
		{RuleMissingDecision, "D", "decisions"},
		// per-dossier rules, in the order of decisions (first decision of each dossier)
		{RuleAGIRRedundant, "A", "decisions[0].decision"},
		{RuleDoubleFundingUnjustified, "A", "decisions[0].double_funding_justification"},
		{RuleGrantedNotRetained, "B", "decisions[2].granted_eur"},
		// global rules last
		{RuleEmploymentLanguageShare, "", RuleObjectivesJustification},
		{RuleNonBPIShare, "", RuleObjectivesJustification},
	}, keys)

	// Every violation carries a message; global ones carry no ApplicationID.
	for _, v := range got {
		require.NotEmpty(t, v.Message)
	}
}

func TestEveryRuleAtOnceIncludingEnvelope(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 10_00
	got := Check(r, []Dossier{dos("A", theme("sante"), beneficiaries(1, 0), request(5_00)), dos("B", pneMissed(2023, 2024))},
		[]Decision{ret("A", 6_00), ret("B", 5_00)})
	var rules []string
	for _, v := range got {
		rules = append(rules, v.Rule)
	}
	require.Equal(t, []string{RuleGrantedAboveRequest, RulePNEBlocked, RuleEnvelope, RuleEmploymentLanguageShare}, rules)
	require.Contains(t, got[2].Message, eur("11,00"))
	require.Contains(t, got[2].Message, eur("10,00"))
	require.Contains(t, got[3].Message, pct("45,4")) // 5/11 = 45,45… truncated
}

// permutations calls f with every ordering of ds (copies; ds itself is untouched).
func permutations(ds []Dossier, f func([]Dossier)) {
	var rec func(k int, cur []Dossier)
	rec = func(k int, cur []Dossier) {
		if k == len(cur) {
			f(slices.Clone(cur))
			return
		}
		for i := k; i < len(cur); i++ {
			cur[k], cur[i] = cur[i], cur[k]
			rec(k+1, cur)
			cur[k], cur[i] = cur[i], cur[k]
		}
	}
	rec(0, slices.Clone(ds))
}

func TestDeterminism(t *testing.T) {
	r, dossiers, decisions := realistic()
	// A faulty variant with many violations, so that the order of a long list is exercised.
	faulty := slices.Clone(decisions)
	faulty[1].GrantedCents = 400_000_00
	faulty[3] = ret("AAP-2024-69-004", 90_000_00)
	faulty = faulty[:5] // 006 has no decision
	faulty = append(faulty, ret("AAP-2024-69-999", 1), rej("AAP-2024-69-001", ""))
	dossiers = append(dossiers, dos("AAP-2024-69-000"))

	for _, decs := range [][]Decision{decisions, faulty} {
		first := Check(r, dossiers, decs)
		firstTotals := Summarise(r, dossiers, decs)
		require.Equal(t, first, Check(r, dossiers, decs), "same input, same output")
		n := 0
		permutations(dossiers, func(p []Dossier) {
			n++
			require.Equal(t, first, Check(r, p, decs), "dossiers in order %v", ids(p))
			require.Equal(t, firstTotals, Summarise(r, p, decs))
		})
		require.Equal(t, 5040, n) // 7!
	}
	require.NotEmpty(t, Check(r, dossiers, faulty))
}

func TestInputsAreNotModified(t *testing.T) {
	r, dossiers, decisions := realistic()
	r2, d2, dec2 := realistic()
	Check(r, dossiers, decisions)
	Summarise(r, dossiers, decisions)
	require.Equal(t, r2, r)
	require.Equal(t, d2, dossiers)
	require.Equal(t, dec2, decisions)
}

func ids(ds []Dossier) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ApplicationID
	}
	return out
}

func TestHugeFiguresDoNotOverflow(t *testing.T) {
	const maxI64 = int64(9223372036854775807)
	r := rules2024()
	r.EnvelopeCents = maxI64
	ds := []Dossier{dos("A", request(maxI64)), dos("B", request(maxI64), theme("sante"))}
	// Two maximal grants: the exact total (twice MaxInt64) is over the envelope; int64 would wrap.
	got := Check(r, ds, []Decision{ret("A", maxI64), ret("B", maxI64)})
	require.Len(t, got, 2)
	require.Equal(t, RuleEnvelope, got[0].Rule)
	require.Equal(t, RuleEmploymentLanguageShare, got[1].Rule)
	require.Contains(t, got[1].Message, pct("50,0"))
	tot := Summarise(r, ds, []Decision{ret("A", maxI64), ret("B", maxI64)})
	require.Equal(t, maxI64, tot.GrantedCents, "clamped")
}

// FuzzCheck builds a small selection from fuzzed figures: Check and Summarise must never
// panic, must give the same answer twice and whatever the order of the dossiers.
func FuzzCheck(f *testing.F) {
	f.Add([]byte{}, int64(800_000_00), 2024, int8(2), int8(70), int8(30))
	f.Add([]byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, int64(1), 2025, int8(1), int8(70), int8(30))
	f.Add([]byte("AAP selection 2024 committee decisions, with some bytes to chew on"), int64(-5), 0, int8(-1), int8(-70), int8(127))
	f.Add(binary.BigEndian.AppendUint64([]byte{5, 255, 255}, 1<<63), int64(9223372036854775807), 2024, int8(2), int8(100), int8(0))
	f.Add(acceptedSeed, int64(800_000_00), 2024, int8(2), int8(70), int8(30))
	f.Fuzz(func(t *testing.T, data []byte, envelope int64, year int, misses, minEmp, minNon int8) {
		r, dossiers, decisions := fuzzSelection(data, envelope, year, misses, minEmp, minNon)
		got := Check(r, dossiers, decisions)
		totals := Summarise(r, dossiers, decisions)
		require.Equal(t, got, Check(r, dossiers, decisions))
		require.Equal(t, totals, Summarise(r, dossiers, decisions))

		reversed := slices.Clone(dossiers)
		slices.Reverse(reversed)
		require.Equal(t, got, Check(r, reversed, decisions))
		require.Equal(t, totals, Summarise(r, reversed, decisions))

		if got != nil {
			require.NotEmpty(t, got)
		}
		for _, v := range got {
			require.Contains(t, knownRules, v.Rule)
			require.NotEmpty(t, v.Field)
			require.NotEmpty(t, v.Message)
			require.True(t, strings.HasPrefix(v.Field, "decisions"), v.Field)
		}
		if got == nil {
			// An accepted selection keeps to the envelope and decides every dossier once.
			require.LessOrEqual(t, totals.GrantedCents, envelope)
			require.Equal(t, len(dossiers), len(decisions))
			require.Equal(t, len(dossiers), totals.RetainedCount+totals.NotRetainedCount)
		}
	})
}

// acceptedSeed decodes to one dossier ("emploi", 10 000 € asked, 5 + 5 beneficiaries),
// retained for 5 000 €: an acceptable selection, so that the fuzzer starts from both sides.
var acceptedSeed = []byte{1, 0, 0, 0, 10, 5, 5, 1, 0, 0, 1, 0, 0, 0, 5, 50, 2, 2}

// fuzzSelection builds a small selection from fuzzed figures.
func fuzzSelection(data []byte, envelope int64, year int, misses, minEmp, minNon int8) (Rules, []Dossier, []Decision) {
	src := &bytesSource{data: data}
	r := Rules{
		EnvelopeCents:                 envelope,
		Year:                          year,
		EmploymentLanguageThemes:      []string{"emploi", "langue"},
		EmploymentLanguageMinPercent:  int(minEmp),
		NonBPIBeneficiariesMinPercent: int(minNon),
		PNEMissesBlockingRenewal:      int(misses),
	}
	themes := []string{"emploi", "langue", "sante", "logement"}
	nd := int(src.byte() % 6)
	var dossiers []Dossier
	for i := range nd {
		d := Dossier{
			ApplicationID:       fmt.Sprintf("D%d", i),
			AssociationName:     fmt.Sprintf("Asso %d", src.byte()%3),
			Theme:               themes[int(src.byte())%len(themes)],
			RequestedCents:      src.amount(),
			BeneficiariesBPI:    src.small(),
			BeneficiariesNonBPI: src.small(),
			AGIRRedundant:       src.byte()%4 == 0,
		}
		for range src.byte() % 3 {
			d.DoubleFundingWith = append(d.DoubleFundingWith, fmt.Sprintf("X%d", src.byte()%5))
		}
		for range src.byte() % 4 {
			d.PNEMissedYears = append(d.PNEMissedYears, year-int(src.byte()%4))
		}
		dossiers = append(dossiers, d)
	}
	decisionValues := []string{Retained, NotRetained, Retained, NotRetained, "", "ajourné"}
	reasons := []string{"", " ", "motif"}
	nc := int(src.byte() % 8)
	var decisions []Decision
	for range nc {
		decisions = append(decisions, Decision{
			ApplicationID:          fmt.Sprintf("D%d", src.byte()%7),
			Decision:               decisionValues[int(src.byte())%len(decisionValues)],
			GrantedCents:           src.amount(),
			Score:                  src.small() - 10,
			Reason:                 reasons[int(src.byte())%len(reasons)],
			DoubleFundingJustified: reasons[int(src.byte())%len(reasons)],
		})
	}
	return r, dossiers, decisions
}

func TestFuzzSeedAccepted(t *testing.T) {
	r, dossiers, decisions := fuzzSelection(acceptedSeed, 800_000_00, 2024, 2, 70, 30)
	require.Len(t, dossiers, 1)
	require.Len(t, decisions, 1)
	require.Nil(t, Check(r, dossiers, decisions))
	require.Equal(t, int64(5_000_00), Summarise(r, dossiers, decisions).GrantedCents)
}

var knownRules = []string{
	RuleUnknownApplication, RuleDuplicateDecision, RuleMissingDecision, RuleDecisionEnum,
	RuleScoreRange, RuleReasonRequired, RuleGrantedPositive, RuleGrantedNotRetained,
	RuleGrantedAboveRequest, RuleAGIRRedundant, RulePNEBlocked, RuleDoubleFundingUnjustified,
	RuleEnvelope, RuleEmploymentLanguageShare, RuleNonBPIShare, RuleFinancialReportMissing,
}

// bytesSource hands out fuzzed bytes, then zeros once they run out.
type bytesSource struct {
	data []byte
	pos  int
}

func (s *bytesSource) byte() byte {
	if s.pos >= len(s.data) {
		return 0
	}
	b := s.data[s.pos]
	s.pos++
	return b
}

// amount is mostly a plausible figure in cents, sometimes a raw (possibly extreme) int64.
func (s *bytesSource) amount() int64 {
	switch mode := s.byte(); mode % 4 {
	case 0:
		return int64(s.byte()) * 1_000_00
	case 1:
		var buf [8]byte
		for i := range buf {
			buf[i] = s.byte()
		}
		return int64(binary.BigEndian.Uint64(buf[:]))
	case 2:
		return -int64(s.byte())
	default:
		return int64(s.byte())<<8 | int64(s.byte())
	}
}

func (s *bytesSource) small() int { return int(s.byte()) }

func TestCPOTranches(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 1_000_000_00
	one := []Dossier{dos("A", request(100_000_00))}
	cpo := func(granted int64, tranches ...Tranche) []Decision {
		d := ret("A", granted)
		d.CPOTranches = tranches
		return []Decision{d}
	}
	bad := []want{{RuleCPOTranches, "A", "decisions[0].cpo_tranches", nil}}
	runCases(t, []checkCase{
		{name: "annual convention", rules: r, dossiers: one, decisions: cpo(50_000_00)},
		{name: "three-year CPO", rules: r, dossiers: one, decisions: cpo(50_000_00,
			Tranche{2024, 50_000_00}, Tranche{2025, 60_000_00}, Tranche{2026, 60_000_00})},
		{name: "a single tranche", rules: r, dossiers: one, decisions: cpo(50_000_00, Tranche{2024, 50_000_00}), want: bad},
		{name: "first tranche another year", rules: r, dossiers: one, decisions: cpo(50_000_00,
			Tranche{2025, 50_000_00}, Tranche{2026, 50_000_00}), want: bad},
		{name: "first tranche differs from the grant", rules: r, dossiers: one, decisions: cpo(50_000_00,
			Tranche{2024, 50_000_01}, Tranche{2025, 50_000_00}), want: bad},
		{name: "a gap between years", rules: r, dossiers: one, decisions: cpo(50_000_00,
			Tranche{2024, 50_000_00}, Tranche{2026, 50_000_00}), want: bad},
		{name: "a zero tranche", rules: r, dossiers: one, decisions: cpo(50_000_00,
			Tranche{2024, 50_000_00}, Tranche{2025, 0}), want: bad},
	})
}
