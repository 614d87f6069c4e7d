package api_test

import (
	"bytes"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// requireCampaignWorkflow checks that call started the campaign workflow and returns its input.
func requireCampaignWorkflow(t *testing.T, call startCall) workflows.CampaignInput {
	t.Helper()
	require.Equal(t, reflect.ValueOf(workflows.CampaignWorkflow).Pointer(), reflect.ValueOf(call.workflow).Pointer(),
		"the workflow started is workflows.CampaignWorkflow")
	in, ok := call.input.(workflows.CampaignInput)
	require.True(t, ok, "the workflow input is a workflows.CampaignInput, got %T", call.input)
	return in
}

func TestCreateCampaignAccepted(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()

	rec := e.postCampaign(t, validBody().with("territory", " 69 ").json(t))

	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	id, _ := got["id"].(string)
	_, err := uuid.Parse(id)
	require.NoError(t, err, "id is a UUID: %q", id)
	assert.Equal(t, "/api/v1/campaigns/"+id, rec.Header().Get("Location"))
	assert.Empty(t, rec.Header().Get("Idempotent-Replayed"), "a first creation is not a replay")
	wantWorkflowID := "aap/2027/dep-69/" + id
	assert.Equal(t, wantWorkflowID, got["workflow_id"])
	assert.Equal(t, "scheduled", got["state"])
	assert.Equal(t, "database", got["state_source"])
	assert.EqualValues(t, 1250050, got["budget_cents"])
	assert.Equal(t, "12500.50", got["budget_eur"])
	assert.Equal(t, "Rhône (69)", got["territory_label"])
	assert.Equal(t, "69", got["territory"], "the territory code is trimmed")
	assert.EqualValues(t, 2027, got["year"])
	assert.Equal(t, "departmental", got["level"])
	assert.Equal(t, "2025", got["policy"], "2027 has no policy file yet: the latest earlier one applies")
	assert.Equal(t, []any{"langue", "emploi"}, got["themes"])
	assert.Equal(t, "2027-01-15T08:00:00Z", got["publish_at"], "instants are stored in UTC")
	assert.Equal(t, "2027-05-31T16:00:00Z", got["close_at"])
	for _, internal := range []string{"phase", "idempotency_key", "request_hash"} {
		assert.NotContains(t, got, internal, "internal column %s is not shown", internal)
	}

	stored, err := e.campaigns.Get(t.Context(), id)
	require.NoError(t, err)
	assert.EqualValues(t, 1250050, stored.BudgetCents)
	assert.Equal(t, models.PhaseScheduled, stored.Phase)
	assert.Equal(t, wantWorkflowID, stored.WorkflowID)
	assert.Nil(t, stored.IdempotencyKey, "no Idempotency-Key header, no key stored")

	starts := e.starts(t)
	require.Len(t, starts, 1)
	opts := starts[0].options
	assert.Equal(t, wantWorkflowID, opts.ID)
	assert.Equal(t, "aap", opts.TaskQueue)
	assert.Equal(t, enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, opts.WorkflowIDReusePolicy)
	assert.Equal(t, enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING, opts.WorkflowIDConflictPolicy)
	sa := opts.TypedSearchAttributes
	assert.Equal(t, 4, sa.Size(), "exactly the four aap search attributes")
	year, ok := sa.GetInt64(workflows.YearKey)
	assert.True(t, ok)
	assert.EqualValues(t, 2027, year)
	for _, kw := range []struct {
		key  temporal.SearchAttributeKeyKeyword
		want string
	}{{workflows.TerritoryKey, "69"}, {workflows.LevelKey, "departmental"}, {workflows.PhaseKey, "scheduled"}} {
		v, ok := sa.GetKeyword(kw.key)
		assert.True(t, ok, "search attribute %s is set", kw.key.GetName())
		assert.Equal(t, kw.want, v, "search attribute %s", kw.key.GetName())
	}

	in := requireCampaignWorkflow(t, starts[0])
	want2025, err := e.policies.ForYear(2025)
	require.NoError(t, err)
	assert.Equal(t, "2025", in.Policy.Name)
	assert.Equal(t, want2025, in.Policy, "the whole policy is copied into the input")
	assert.Equal(t, id, in.CampaignID)
	assert.Equal(t, 2027, in.Year)
	assert.Equal(t, "departmental", in.Level)
	assert.Equal(t, "69", in.Territory)
	assert.True(t, in.PublishAt.Equal(time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)), "publish_at %s", in.PublishAt)
	assert.True(t, in.CloseAt.Equal(time.Date(2027, 5, 31, 16, 0, 0, 0, time.UTC)), "close_at %s", in.CloseAt)
	assert.Equal(t, mailRetryFor, in.MailRetryFor)
	assert.EqualValues(t, 1250050, in.BudgetCents)
}

func TestCreateRegionalCampaign(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()

	got := e.createCampaign(t, validBody().with("level", "regional").with("territory", "84").json(t))

	assert.Equal(t, "aap/2027/reg-84/"+got["id"].(string), got["workflow_id"])
	assert.Equal(t, "Auvergne-Rhône-Alpes (région 84)", got["territory_label"])
	starts := e.starts(t)
	require.Len(t, starts, 1)
	level, _ := starts[0].options.TypedSearchAttributes.GetKeyword(workflows.LevelKey)
	assert.Equal(t, "regional", level)
}

func TestCreateCampaignAmountsAreExactCents(t *testing.T) {
	for literal, cents := range map[string]int64{"0.01": 1, "0.1": 10, "12500.5": 1250050, "250000.50": 25000050,
		"999999999999.99": 99999999999999} {
		t.Run(literal, func(t *testing.T) {
			e := newEnv(t)
			e.acceptStarts()
			got := e.createCampaign(t, validBody().with("budget_eur", rawJSON(literal)).json(t))
			assert.EqualValues(t, cents, got["budget_cents"])
			stored, err := e.campaigns.Get(t.Context(), got["id"].(string))
			require.NoError(t, err)
			assert.Equal(t, cents, stored.BudgetCents)
		})
	}
}

func TestCreateDemoCampaignInDevMode(t *testing.T) {
	e := newEnv(t, withDevMode())
	e.acceptStarts()

	got := e.createCampaign(t, validBody().with("policy", "demo").json(t))

	wantPublish, wantClose := fixedNow.Add(30*time.Second), fixedNow.Add(3*time.Minute)
	assert.Equal(t, "demo", got["policy"])
	assert.Equal(t, wantPublish.Format(time.RFC3339), got["publish_at"], "publish_at is Now + publish_after, not the body's")
	assert.Equal(t, wantClose.Format(time.RFC3339), got["close_at"], "close_at is Now + close_after, not the body's")
	starts := e.starts(t)
	require.Len(t, starts, 1)
	in := requireCampaignWorkflow(t, starts[0])
	demo, ok := e.policies.Demo()
	require.True(t, ok)
	assert.Equal(t, demo, in.Policy)
	assert.True(t, in.PublishAt.Equal(wantPublish), "publish_at %s", in.PublishAt)
	assert.True(t, in.CloseAt.Equal(wantClose), "close_at %s", in.CloseAt)
}

func TestCreateCampaignIdempotency(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	raw := validBody().json(t)
	const key = "rhone-2027-1"

	first := e.postCampaign(t, raw, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	assert.Empty(t, first.Header().Get("Idempotent-Replayed"))
	second := e.postCampaign(t, raw, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, second.Code, second.Body.String())

	assert.Equal(t, "true", second.Header().Get("Idempotent-Replayed"))
	id := decodeObject(t, first)["id"]
	assert.Equal(t, id, decodeObject(t, second)["id"], "the replay returns the first campaign")
	assert.Equal(t, first.Header().Get("Location"), second.Header().Get("Location"))
	assert.EqualValues(t, 1, e.storedCount(t))
	starts := e.starts(t)
	require.Len(t, starts, 2, "a replay starts the workflow again in case the first request died before it")
	assert.Equal(t, starts[0].options.ID, starts[1].options.ID, "both starts name the same workflow")
	assert.Equal(t, enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING, starts[1].options.WorkflowIDConflictPolicy)

	t.Run("same key, another body", func(t *testing.T) {
		rec := e.postCampaign(t, validBody().with("title", "Un autre appel à projets").json(t), "Idempotency-Key", key)
		requireProblem(t, rec, http.StatusConflict, "idempotency_key_reused")
		assert.EqualValues(t, 1, e.storedCount(t))
		assert.Len(t, e.starts(t), 2, "a refused reuse starts nothing")
	})
	t.Run("another key, same body", func(t *testing.T) {
		rec := e.postCampaign(t, raw, "Idempotency-Key", "rhone-2027-2")
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		assert.NotEqual(t, id, decodeObject(t, rec)["id"])
		assert.EqualValues(t, 2, e.storedCount(t))
	})
	t.Run("no key, same body", func(t *testing.T) {
		rec := e.postCampaign(t, raw)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		assert.Empty(t, rec.Header().Get("Idempotent-Replayed"))
		assert.EqualValues(t, 3, e.storedCount(t), "without a key, each request is a new campaign")
	})
}

func TestCreateCampaignIdempotencyKeyLength(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()

	rec := e.postCampaign(t, validBody().json(t), "Idempotency-Key", strings.Repeat("k", 201))
	requireFields(t, rec, fieldRule{"Idempotency-Key", "max_length"})
	assert.Zero(t, e.storedCount(t))
	assert.Empty(t, e.starts(t))

	e.createCampaign(t, validBody().json(t), "Idempotency-Key", strings.Repeat("k", 200))
	assert.EqualValues(t, 1, e.storedCount(t))
}

func TestCreateCampaignTemporalUnavailable(t *testing.T) {
	e := newEnv(t)
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Return(nil, errors.New("connection refused")).Once()
	raw := validBody().json(t)

	rec := e.postCampaign(t, raw, "Idempotency-Key", "rhone-2027-1")

	p := requireProblem(t, rec, http.StatusServiceUnavailable, "engine_unavailable")
	assert.Empty(t, p.Fields)
	assert.Zero(t, e.storedCount(t), "the campaign whose workflow did not start is removed")
	assert.Len(t, e.starts(t), 1)

	t.Run("a retry with the same key creates the campaign", func(t *testing.T) {
		e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
			Return(&mocks.WorkflowRun{}, nil).Once()
		rec := e.postCampaign(t, raw, "Idempotency-Key", "rhone-2027-1")
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		assert.Empty(t, rec.Header().Get("Idempotent-Replayed"), "nothing was kept from the failed attempt")
		assert.EqualValues(t, 1, e.storedCount(t))
	})
}

// A workflow that ran before and has ended answers "already started": the campaign exists.
func TestCreateCampaignWorkflowAlreadyStarted(t *testing.T) {
	e := newEnv(t)
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Return(nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "", "run-1")).Once()

	e.createCampaign(t, validBody().json(t))

	assert.EqualValues(t, 1, e.storedCount(t))
}

func TestCreateCampaignMalformedBody(t *testing.T) {
	valid := string(validBody().json(t))
	for name, raw := range map[string]string{
		"empty":                    "",
		"truncated":                valid[:len(valid)/2],
		"not JSON":                 "year=2027&level=departmental",
		"two objects":              valid + valid,
		"a stray closing brace":    valid + "}",
		"a stray closing bracket":  valid + "]",
		"an array":                 "[" + valid + "]",
		"a string":                 `"campaign"`,
		"a number":                 "2027",
		"null":                     "null",
		"trailing garbage":         valid + " x",
		"a single quote delimited": strings.ReplaceAll(valid, `"`, `'`),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			rec := e.postCampaign(t, []byte(raw))
			requireProblem(t, rec, http.StatusBadRequest, "malformed_json")
			assert.Zero(t, e.storedCount(t))
			assert.Empty(t, e.starts(t))
		})
	}
}

func TestCreateCampaignBlanksAroundTheObject(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()

	e.createCampaign(t, []byte("\n\t "+string(validBody().json(t))+" \r\n"))

	assert.EqualValues(t, 1, e.storedCount(t))
}

func TestCreateCampaignBodySizeLimit(t *testing.T) {
	const limit = 1 << 20
	// padded returns the valid body grown with trailing blanks to exactly size bytes.
	padded := func(t *testing.T, size int) []byte {
		raw := validBody().json(t)
		require.Less(t, len(raw), size)
		return append(raw, bytes.Repeat([]byte(" "), size-len(raw))...)
	}

	t.Run("1 MiB is accepted", func(t *testing.T) {
		e := newEnv(t)
		e.acceptStarts()
		e.createCampaign(t, padded(t, limit))
		assert.EqualValues(t, 1, e.storedCount(t))
	})
	t.Run("one byte more is refused", func(t *testing.T) {
		e := newEnv(t)
		rec := e.postCampaign(t, padded(t, limit+1))
		requireProblem(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
		assert.Zero(t, e.storedCount(t))
		assert.Empty(t, e.starts(t))
	})
	t.Run("a huge title is refused before validation", func(t *testing.T) {
		e := newEnv(t)
		rec := e.postCampaign(t, validBody().with("title", strings.Repeat("a", 2*limit)).json(t))
		requireProblem(t, rec, http.StatusRequestEntityTooLarge, "body_too_large")
		assert.Zero(t, e.storedCount(t))
	})
}

// §8.3: a call published after the end of Q1 and closing after 31 May is accepted with the
// difficulty written; it is stored with it and its workflow told to report it to DIAN. A call
// on time keeps no justification and reports nothing. Both show that 2027 follows 2025's rules.
func TestCreateLateCampaignReportsTheDifficulty(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	rec := e.postCampaign(t, validBody().with("publish_at", "2027-04-01T09:00:00+02:00").
		with("close_at", "2027-06-01T18:00:00+02:00").with("calendar_justification", " Crédits délégués le 2 avril. ").json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, true, got["publish_late"])
	assert.Equal(t, true, got["close_late"])
	assert.Equal(t, "Crédits délégués le 2 avril.", got["calendar_justification"])
	fallback, _ := got["policy_fallback"].(map[string]any)
	require.NotNil(t, fallback, "2027 has no policy of its own: %v", got)
	assert.EqualValues(t, 2025, fallback["rules_year"])
	assert.Contains(t, fallback["message"], "instruction 2025")
	starts := e.starts(t)
	require.Len(t, starts, 1)
	assert.True(t, requireCampaignWorkflow(t, starts[0]).CalendarLate)

	onTime := newEnv(t)
	onTime.acceptStarts()
	rec = onTime.postCampaign(t, validBody().with("calendar_justification", "rien à signaler").json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	got = decodeObject(t, rec)
	assert.Equal(t, false, got["publish_late"])
	assert.NotContains(t, got, "calendar_justification", "an on-time call keeps no justification")
	assert.False(t, requireCampaignWorkflow(t, onTime.starts(t)[0]).CalendarLate)
}
