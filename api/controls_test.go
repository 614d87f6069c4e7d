package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// seedSignedConvention stores a 2027 call in territory, a retained dossier and its convention in state.
func (e *testEnv) seedConvention(t *testing.T, level, territory, state, ref string, cents int64) string {
	t.Helper()
	cid, aid, vid := uuid.NewString(), uuid.NewString(), uuid.NewString()
	require.NoError(t, e.db.Create(&models.Campaign{ID: cid, WorkflowID: "aap/" + cid, Year: 2027, Level: level,
		Territory: territory, Title: "Appel " + territory, Phase: models.PhaseSelected, ContactEmail: "ddets@example.gouv.fr"}).Error)
	require.NoError(t, e.db.Create(&models.Application{ID: aid, CampaignID: cid, WorkflowID: "aap/app/" + aid, Year: 2027,
		AssociationKey: "siret:" + ref, AssociationName: "Association " + ref, AssociationEmail: "asso@example.org",
		Title: "Ateliers " + ref, TitleKey: ref, Theme: "langue", State: models.ApplicationRetained}).Error)
	require.NoError(t, e.db.Create(&models.Convention{ID: vid, ApplicationID: aid, CampaignID: cid, Reference: ref,
		GrantedCents: cents, State: state}).Error)
	return vid
}

// signals records the SignalWithStartWorkflow calls and answers err.
func (e *testEnv) acceptControlSignals(err error) {
	var run client.WorkflowRun = &mocks.WorkflowRun{}
	if err != nil {
		run = nil
	}
	for _, name := range []string{workflows.SignalControlPlanned, workflows.SignalControlUpdated} {
		e.temporal.On("SignalWithStartWorkflow", mock.Anything, mock.Anything, name, mock.Anything,
			mock.Anything, mock.Anything, mock.Anything).Return(run, err).Maybe()
	}
}

type signalCall struct {
	workflowID string
	signal     workflows.ControlPlanned
	options    client.StartWorkflowOptions
	input      workflows.ControlInput
}

func (e *testEnv) controlSignals(t *testing.T) []signalCall {
	t.Helper()
	var out []signalCall
	for _, c := range e.temporal.Calls {
		if c.Method == "SignalWithStartWorkflow" && c.Arguments.String(2) == workflows.SignalControlPlanned {
			out = append(out, signalCall{workflowID: c.Arguments.String(1), signal: c.Arguments.Get(3).(workflows.ControlPlanned),
				options: c.Arguments.Get(4).(client.StartWorkflowOptions), input: c.Arguments.Get(6).(workflows.ControlInput)})
		}
	}
	return out
}

func (e *testEnv) post(t *testing.T, path string, b any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	rec := e.do(t, http.MethodPost, path, raw)
	out := map[string]any{"_status": float64(rec.Code), "_replayed": rec.Header().Get("Idempotent-Replayed")}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

func TestFlagDoubtAcceptedOnceAndRefused(t *testing.T) {
	e := newEnv(t)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	unsigned := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionAwaitingSignature, "C-unsigned", 1)
	path := "/api/v1/conventions/" + conv + "/doubts"

	first := e.post(t, path, map[string]any{"kind": "utilisation_fonds", "note": "Factures non produites"})
	require.Equal(t, float64(http.StatusCreated), first["_status"], first)
	require.Empty(t, first["_replayed"])
	again := e.post(t, path, map[string]any{"kind": "utilisation_fonds", "note": "Factures non produites"})
	require.Equal(t, float64(http.StatusCreated), again["_status"])
	require.Equal(t, "true", again["_replayed"])
	require.Equal(t, first["id"], again["id"])

	raw, _ := json.Marshal(map[string]any{"kind": "doute", "note": ""})
	requireFields(t, e.do(t, http.MethodPost, path, raw), fieldRule{"kind", "enum"}, fieldRule{"note", "required"})
	raw, _ = json.Marshal(map[string]any{"kind": "realisation_actions", "note": "Aucune séance constatée"})
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/conventions/"+unsigned+"/doubts", raw), http.StatusConflict, "convention_not_signed")
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/conventions/"+uuid.NewString()+"/doubts", raw), http.StatusNotFound, "not_found")
	doubts, err := store.NewControls(e.db).Doubts(t.Context(), conv)
	require.NoError(t, err)
	require.Len(t, doubts, 1, "refused requests changed nothing")
}

func TestControlCandidatesRankDoubtsAndDepartments(t *testing.T) {
	e := newEnv(t)
	big := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-big", 9_000_000)
	doubt := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-doubt", 100_000)
	ain := e.seedConvention(t, models.LevelDepartmental, "01", models.ConventionSigned, "C-01", 50_000)
	require.Equal(t, float64(201), e.post(t, "/api/v1/conventions/"+doubt+"/doubts", map[string]any{"kind": "realisation_actions", "note": "Aucune séance constatée"})["_status"])

	rec := e.get(t, "/api/v1/controls/2027/84/candidates")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res struct {
		RegionName string `json:"region_name"`
		Items      []struct {
			Rank         int
			ConventionID string `json:"convention_id"`
			Doubts       []string
			Reasons      []control.Reason
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	require.Equal(t, "Auvergne-Rhône-Alpes", res.RegionName)
	require.Len(t, res.Items, 3)
	require.Equal(t, []string{doubt, ain, big}, []string{res.Items[0].ConventionID, res.Items[1].ConventionID, res.Items[2].ConventionID})
	require.Equal(t, []string{"realisation_actions"}, res.Items[0].Doubts)
	require.Equal(t, control.ReasonDepartment, res.Items[1].Reasons[0].Code)

	requireProblem(t, e.get(t, "/api/v1/controls/2027/99/candidates"), http.StatusNotFound, "not_found")
	requireProblem(t, e.get(t, "/api/v1/controls/deux/84/candidates"), http.StatusNotFound, "not_found")
}

func TestPlanControlStartsTheRegionsWorkflowOnce(t *testing.T) {
	e := newEnv(t) // today: 29 November 2026
	e.acceptControlSignals(nil)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	req := map[string]any{"convention_id": conv, "planned_on": "2027-06-15", "controller": "Inspection DREETS"}

	first := e.post(t, "/api/v1/controls", req)
	require.Equal(t, float64(http.StatusCreated), first["_status"], first)
	require.Equal(t, "planned", first["state"])
	require.Equal(t, "84", first["region"])
	require.Equal(t, "69", first["department"])
	require.Equal(t, "aap/controls/2027/84", first["workflow_id"])
	again := e.post(t, "/api/v1/controls", req)
	require.Equal(t, "true", again["_replayed"])
	require.Equal(t, first["id"], again["id"])

	calls := e.controlSignals(t)
	require.Len(t, calls, 2, "each request signals: a resubmission completes a first one Temporal missed")
	c := calls[0]
	require.Equal(t, "aap/controls/2027/84", c.workflowID)
	require.Equal(t, workflows.ControlPlanned{ControlID: first["id"].(string), PlannedOn: "2027-06-15"}, c.signal)
	require.Equal(t, 2027, c.input.Year)
	require.Equal(t, "84", c.input.Region)
	require.Equal(t, "2025", c.input.Policy.Name, "the latest policy covering 2027")
	require.Equal(t, mailRetryFor, c.input.MailRetryFor)
	require.Len(t, c.options.TypedSearchAttributes.GetUntypedValues(), 4)
	for k, v := range c.options.TypedSearchAttributes.GetUntypedValues() {
		require.Contains(t, []any{int64(2027), "84", "regional", "scheduled"}, v, "only the year, region, level and phase in %s", k.GetName())
	}

	moved := e.post(t, "/api/v1/controls", map[string]any{"convention_id": conv, "planned_on": "2027-07-01", "controller": "Inspection DREETS"})
	require.Equal(t, float64(http.StatusConflict), moved["_status"])
	require.Len(t, e.controlSignals(t), 2, "a refused request signals nothing")
	list, err := store.NewControls(e.db).List(t.Context(), store.ControlFilter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestPlanControlRefused(t *testing.T) {
	e := newEnv(t)
	e.acceptControlSignals(nil)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	unsigned := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionAwaitingSignature, "C-unsigned", 1)
	for name, tc := range map[string]struct {
		body map[string]any
		want []fieldRule
	}{
		"nothing":        {map[string]any{}, []fieldRule{{"convention_id", "required"}, {"planned_on", "required"}, {"controller", "required"}}},
		"bad values":     {map[string]any{"convention_id": "x", "planned_on": "15/06/2027", "controller": "A"}, []fieldRule{{"convention_id", "format"}, {"planned_on", "format"}, {"controller", "min_length"}}},
		"past date":      {map[string]any{"convention_id": conv, "planned_on": "2026-11-28", "controller": "Inspection"}, []fieldRule{{"planned_on", "not_past"}}},
		"not yet signed": {map[string]any{"convention_id": unsigned, "planned_on": "2027-06-15", "controller": "Inspection"}, []fieldRule{{"convention_id", "signed"}}},
	} {
		t.Run(name, func(t *testing.T) {
			raw, _ := json.Marshal(tc.body)
			requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls", raw), tc.want...)
		})
	}
	today := e.post(t, "/api/v1/controls", map[string]any{"convention_id": conv, "planned_on": "2026-11-29", "controller": "Inspection"})
	require.Equal(t, float64(http.StatusCreated), today["_status"], "today is not past")
}

// §8.5 follows the controls past the synthesis: a control planned after the
// region's synthesis left is accepted, and the region's workflow (a new run if
// the first has ended) knows the synthesis was sent and how many supplements
// followed, so that it goes into the next supplementary synthesis.
func TestPlanControlAfterTheSynthesisGoesIntoASupplement(t *testing.T) {
	e := newEnv(t)
	e.acceptControlSignals(nil)
	before := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	res := e.post(t, "/api/v1/controls", map[string]any{"convention_id": before, "planned_on": "2027-10-15", "controller": "Inspection"})
	require.Equal(t, float64(http.StatusCreated), res["_status"], res)
	first := e.controlSignals(t)
	require.Len(t, first, 1)
	require.False(t, first[0].input.SynthesisSent, "before the synthesis, the run sends it")

	ctls := store.NewControls(e.db)
	require.NoError(t, ctls.RecordSynthesisSent(t.Context(), 2027, "84", "2027-09-30", 1, fixedNow))
	require.NoError(t, ctls.RecordSupplementSent(t.Context(), 2027, "84", 1, 1, fixedNow))
	require.NoError(t, ctls.RecordSupplementSent(t.Context(), 2027, "84", 1, 1, fixedNow), "the same supplement again: no change")
	after := e.seedConvention(t, models.LevelDepartmental, "38", models.ConventionSigned, "C-38", 500_000)
	res = e.post(t, "/api/v1/controls", map[string]any{"convention_id": after, "planned_on": "2026-11-29", "controller": "Inspection"})
	require.Equal(t, float64(http.StatusCreated), res["_status"], res)
	calls := e.controlSignals(t)
	require.Len(t, calls, 2)
	got := calls[1]
	require.True(t, got.input.SynthesisSent)
	require.Equal(t, 1, got.input.Supplements)
	require.Equal(t, enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, got.options.WorkflowIDReusePolicy, "a run that ended is followed by a new one")

	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND action = ?", "control_synthesis", "supplementary_synthesis_sent").Find(&audit).Error)
	require.Len(t, audit, 1, "one supplement, audited once")

	// A result recorded after the synthesis signals the region's workflow too.
	id := res["id"].(string)
	res = e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "conforme", "findings": "Émargements tenus"})
	require.Equal(t, float64(http.StatusOK), res["_status"], res)
	var updated int
	for _, c := range e.temporal.Calls {
		if c.Method == "SignalWithStartWorkflow" && c.Arguments.String(2) == workflows.SignalControlUpdated {
			updated++
			require.Equal(t, workflows.ControlUpdated{ControlID: id}, c.Arguments.Get(3))
		}
	}
	require.Equal(t, 1, updated)
}

// plannedControl plans a control of a signed 10 000 € convention on today's date and returns its ID.
func (e *testEnv) plannedControl(t *testing.T) string {
	t.Helper()
	e.acceptControlSignals(nil)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 1_000_000)
	res := e.post(t, "/api/v1/controls", map[string]any{"convention_id": conv, "planned_on": "2026-11-29", "controller": "Inspection"})
	require.Equal(t, float64(http.StatusCreated), res["_status"], res)
	return res["id"].(string)
}

func TestControlResultAndFollowUpToTheEnd(t *testing.T) {
	e := newEnv(t)
	id := e.plannedControl(t)
	result := map[string]any{"outcome": "non_conforme", "findings": "Émargements absents pour trois séances",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": 1500}}
	res := e.post(t, "/api/v1/controls/"+id+"/result", result)
	require.Equal(t, float64(http.StatusOK), res["_status"], res)
	require.Equal(t, "done", res["state"])
	require.Equal(t, "2026-11-29", res["done_on"])
	require.Equal(t, float64(150_000), res["follow_up_amount_cents"])
	require.Equal(t, "open", res["follow_up_state"])
	require.Equal(t, float64(http.StatusOK), e.post(t, "/api/v1/controls/"+id+"/result", result)["_status"], "the same result again")
	other := e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "conforme", "findings": "Tout va bien"})
	require.Equal(t, float64(http.StatusConflict), other["_status"])

	res = e.post(t, "/api/v1/controls/"+id+"/follow-up", map[string]any{"status": "in_progress", "note": "Titre de perception émis"})
	require.Equal(t, "in_progress", res["follow_up_state"], res)
	res = e.post(t, "/api/v1/controls/"+id+"/follow-up", map[string]any{"status": "closed", "recovered_eur": 1500})
	require.Equal(t, "closed", res["follow_up_state"], res)
	require.Equal(t, float64(150_000), res["recovered_cents"])
	require.Equal(t, "2026-11-29", res["follow_up_closed_on"])
	require.Equal(t, float64(http.StatusOK), e.post(t, "/api/v1/controls/"+id+"/follow-up", map[string]any{"status": "closed"})["_status"], "closed again: the same")
	reopened := e.post(t, "/api/v1/controls/"+id+"/follow-up", map[string]any{"status": "in_progress"})
	require.Equal(t, float64(http.StatusConflict), reopened["_status"])

	// Each accepted change is in the audit trail under the caller's token; the repeated and refused ones are not.
	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ?", "control", id).Order("id").Find(&audit).Error)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
		require.Equal(t, "DIAN (tests)", a.Actor)
		require.NotNil(t, a.TokenID)
		require.NotEmpty(t, a.RequestID)
	}
	require.Equal(t, []string{"planned", "result_recorded", "follow_up_updated", "follow_up_updated"}, actions)
	require.Contains(t, audit[1].Before, `"state":"planned"`)
	require.Contains(t, audit[1].After, `"follow_up_amount_cents":150000`)
	require.Contains(t, audit[3].Before, `"follow_up_state":"in_progress"`)
	require.Contains(t, audit[3].After, `"follow_up_state":"closed"`)

	rec := e.get(t, "/api/v1/controls?year=2027&region=84")
	require.Equal(t, http.StatusOK, rec.Code)
	var list struct{ Total int }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Equal(t, 1, list.Total)
	rec = e.get(t, "/api/v1/controls?year=2028&region=84")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Equal(t, 0, list.Total)
	requireFields(t, e.get(t, "/api/v1/controls?year=x&region=69"), fieldRule{"year", "positive_integer"}, fieldRule{"region", "region"})
	raw, _ := json.Marshal(map[string]any{"status": "closed"})
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/controls/"+uuid.NewString()+"/follow-up", raw), http.StatusNotFound, "not_found")

	rec = e.get(t, "/api/v1/controls/2027/84/synthesis.xlsx")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Header().Get("Content-Disposition"), "synthese-controles-2027-region-84.xlsx")
	rows, err := workbook.Read(rec.Body.Bytes(), workbook.ControlsSheet)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "soldée", rows[1][11])
	v, _, err := workbook.Value(rec.Body.Bytes(), workbook.ControlsSheet, "M2")
	require.NoError(t, err)
	require.Equal(t, "1500.00", v)
	requireProblem(t, e.get(t, "/api/v1/controls/2027/00/synthesis.xlsx"), http.StatusNotFound, "not_found")
}

func TestControlResultRefused(t *testing.T) {
	e := newEnv(t)
	id := e.plannedControl(t)
	for name, tc := range map[string]struct {
		body map[string]any
		want []fieldRule
	}{
		"nothing": {map[string]any{}, []fieldRule{{"outcome", "required"}, {"findings", "required"}}},
		"non conforme without follow-up": {map[string]any{"outcome": "non_conforme", "findings": "Constats"},
			[]fieldRule{{"follow_up.kind", "required_if_non_conforme"}}},
		"repayment over the grant": {map[string]any{"outcome": "non_conforme", "findings": "Constats",
			"follow_up": map[string]any{"kind": "reversement", "amount_eur": 10000.01}}, []fieldRule{{"follow_up.amount_eur", "max"}}},
		"repayment without amount": {map[string]any{"outcome": "non_conforme", "findings": "Constats",
			"follow_up": map[string]any{"kind": "reversement"}}, []fieldRule{{"follow_up.amount_eur", "required"}}},
		"amount without repayment": {map[string]any{"outcome": "non_conforme", "findings": "Constats",
			"follow_up": map[string]any{"kind": "mesures_correctives", "amount_eur": 10}}, []fieldRule{{"follow_up.amount_eur", "forbidden"}}},
		"unknown values": {map[string]any{"outcome": "ok", "findings": "Constats", "follow_up": map[string]any{"kind": "amende"}},
			[]fieldRule{{"outcome", "enum"}, {"follow_up.kind", "enum"}}},
		"held tomorrow":       {map[string]any{"outcome": "conforme", "findings": "Constats", "done_on": "2026-11-30"}, []fieldRule{{"done_on", "not_future"}}},
		"held before planned": {map[string]any{"outcome": "conforme", "findings": "Constats", "done_on": "2026-11-28"}, []fieldRule{{"done_on", "before_planned"}}},
	} {
		t.Run(name, func(t *testing.T) {
			raw, _ := json.Marshal(tc.body)
			requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls/"+id+"/result", raw), tc.want...)
		})
	}
	ctl, err := store.NewControls(e.db).Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, models.ControlPlanned, ctl.State, "refused results changed nothing")

	raw, _ := json.Marshal(map[string]any{"status": "closed"})
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/controls/"+id+"/follow-up", raw), http.StatusConflict, "no_follow_up")
	res := e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "non_conforme", "findings": "Constats",
		"follow_up": map[string]any{"kind": "mesures_correctives"}})
	require.Equal(t, float64(http.StatusOK), res["_status"], res)
	raw, _ = json.Marshal(map[string]any{"status": "soldee", "recovered_eur": 5, "closed_on": "2026-11-30"})
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls/"+id+"/follow-up", raw),
		fieldRule{"status", "enum"}, fieldRule{"recovered_eur", "forbidden"}, fieldRule{"closed_on", "forbidden"})
	raw, _ = json.Marshal(map[string]any{"status": "closed", "recovered_eur": 5})
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls/"+id+"/follow-up", raw), fieldRule{"recovered_eur", "forbidden"})
	raw, _ = json.Marshal(map[string]any{"status": "closed", "closed_on": "2026-11-30"})
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls/"+id+"/follow-up", raw), fieldRule{"closed_on", "not_future"})
	ctl, err = store.NewControls(e.db).Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, models.FollowUpStateOpen, ctl.FollowUpState, "refused follow-ups changed nothing")
}

// A correspondent acts on its territory's controls only: the Isère's may not
// plan, record or read the Rhône's; the Rhône's sees its department's candidates
// only and not the region's synthesis, which the region's correspondent reads.
func TestControlsStayInTheCorrespondentsTerritory(t *testing.T) {
	e := newEnv(t)
	id := e.plannedControl(t) // a Rhône (69) convention
	ain := e.seedConvention(t, models.LevelDepartmental, "01", models.ConventionSigned, "C-01", 50_000)
	rhone := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-other", 70_000)
	isere := e.asCorrespondent(t, "38", models.LevelDepartmental)
	raw, _ := json.Marshal(map[string]any{"convention_id": rhone, "planned_on": "2027-06-15", "controller": "Inspection"})
	// Outside the territory and unknown answer alike: the same 404, the same body.
	outside := isere.do(t, http.MethodPost, "/api/v1/controls", raw)
	requireProblem(t, outside, http.StatusNotFound, "not_found")
	raw, _ = json.Marshal(map[string]any{"convention_id": uuid.NewString(), "planned_on": "2027-06-15", "controller": "Inspection"})
	unknown := isere.do(t, http.MethodPost, "/api/v1/controls", raw)
	require.Equal(t, outside.Code, unknown.Code)
	require.Equal(t, outside.Body.String(), unknown.Body.String())
	raw, _ = json.Marshal(map[string]any{"outcome": "conforme", "findings": "Tout est en ordre"})
	requireProblem(t, isere.do(t, http.MethodPost, "/api/v1/controls/"+id+"/result", raw), http.StatusNotFound, "not_found")
	raw, _ = json.Marshal(map[string]any{"kind": "utilisation_fonds", "note": "Factures absentes"})
	requireProblem(t, isere.do(t, http.MethodPost, "/api/v1/conventions/"+rhone+"/doubts", raw), http.StatusNotFound, "not_found")
	rec := isere.get(t, "/api/v1/controls?year=2027")
	require.Equal(t, http.StatusOK, rec.Code)
	require.JSONEq(t, `{"items": [], "total": 0}`, rec.Body.String())

	rhoneCorr := e.asCorrespondent(t, "69", models.LevelDepartmental)
	rec = rhoneCorr.get(t, "/api/v1/controls/2027/84/candidates")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res struct {
		Items []struct {
			ConventionID string `json:"convention_id"`
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	require.Len(t, res.Items, 2, "the Rhône's two conventions, not the Ain's")
	for _, it := range res.Items {
		require.NotEqual(t, ain, it.ConventionID)
	}
	requireProblem(t, rhoneCorr.get(t, "/api/v1/controls/2027/84/synthesis.xlsx"), http.StatusNotFound, "not_found")
	requireProblem(t, rhoneCorr.get(t, "/api/v1/controls/2027/11/candidates"), http.StatusNotFound, "not_found")
	rec = rhoneCorr.get(t, "/api/v1/controls?year=2027")
	require.Contains(t, rec.Body.String(), id)

	region := e.asCorrespondent(t, "84", models.LevelRegional)
	require.Equal(t, http.StatusOK, region.get(t, "/api/v1/controls/2027/84/synthesis.xlsx").Code)
	rec = region.get(t, "/api/v1/controls/2027/84/candidates")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	require.Len(t, res.Items, 3)
}
