package workflows

import (
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/benchenv"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// BenchmarkNationalYear runs a whole national year of the engine's workflows
// under the test environment's time skipping: AAP_BENCH_CALLS calls (120) and
// AAP_BENCH_DOSSIERS dossiers (20,000) spread over them, each dossier carried
// from its filing through the committee's decision, its convention's signature
// (reminders, lapses) and its comptes-rendus financiers (a CPO's three tranches,
// reminders, missing reports), each call from its publication to its selection,
// and the year's PNE from its list to its closure. Activities answer at once
// (yearActivities): the figures are the workflows' own cost. It prints, for each
// workflow type, how many ran and the largest history one of them writes: its
// estimated length (historyMeter.events) and its payloads. Figures are printed,
// never asserted; what each dossier ends in is.
//
//	go test -run '^$' -bench NationalYear -benchtime 1x ./workflows/
func BenchmarkNationalYear(b *testing.B) {
	calls, dossiers := benchenv.Size(b, "AAP_BENCH_CALLS", 120, 1), benchenv.Size(b, "AAP_BENCH_DOSSIERS", 20_000, 1)
	pol := loadPolicy(b, 2027)
	var year *yearRun
	for b.Loop() {
		year = runNationalYear(b, pol, calls, dossiers)
	}
	b.ReportMetric(year.wall.Seconds(), "s/year")
	b.ReportMetric(float64(year.byType[typeDossier].events), "events/largest-dossier")
	b.Log(year.table())
}

// Workflow types as the table names them.
const (
	typeCampaign = "CampaignWorkflow"
	typeDossier  = "ApplicationWorkflow"
	typePNE      = "PNEWorkflow"
)

// yearRun is what a national year measured.
type yearRun struct {
	wall   time.Duration
	mu     sync.Mutex
	byType map[string]*typeFigures
}

// typeFigures are one workflow type's runs and its largest history.
type typeFigures struct {
	runs, events, largestPayload, payloadBytes int
}

func (y *yearRun) record(workflowType string, m *historyMeter) {
	y.mu.Lock()
	defer y.mu.Unlock()
	f := y.byType[workflowType]
	if f == nil {
		f = &typeFigures{}
		y.byType[workflowType] = f
	}
	f.runs++
	f.events = max(f.events, m.events())
	f.largestPayload = max(f.largestPayload, m.largestPayload)
	f.payloadBytes = max(f.payloadBytes, m.payloadBytes)
}

func (y *yearRun) table() string {
	var s strings.Builder
	fmt.Fprintf(&s, "national year in %.1f s on %d cores\n", y.wall.Seconds(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(&s, "%-20s %7s %22s %20s %22s\n", "workflow type", "runs", "largest history (est.)", "largest payload (B)", "largest history payloads (B)")
	types := make([]string, 0, len(y.byType))
	for t := range y.byType {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		f := y.byType[t]
		fmt.Fprintf(&s, "%-20s %7d %22d %20d %22d\n", t, f.runs, f.events, f.largestPayload, f.payloadBytes)
	}
	return s.String()
}

// runNationalYear runs every workflow of the year, each in its own test
// environment, on as many goroutines as there are cores.
func runNationalYear(b *testing.B, pol policy.Policy, calls, dossiers int) *yearRun {
	year := &yearRun{byType: map[string]*typeFigures{}}
	jobs := make(chan func(), runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for job := range jobs {
				job()
			}
		})
	}
	start := time.Now()
	jobs <- func() { runYearPNE(b, year, pol, dossiers) }
	for c := range calls {
		call := yearCall(pol, c, dossiers/calls+boolInt(c < dossiers%calls))
		jobs <- func() { runYearCampaign(b, year, call) }
		for i := range call.dossiers {
			jobs <- func() { runYearDossier(b, year, pol, call, c*100_000+i) }
		}
	}
	close(jobs)
	wg.Wait()
	year.wall = time.Since(start)
	return year
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// meteredEnv is a test environment whose workflow's history is measured.
func meteredEnv(start time.Time, acts *yearActivities) (*testsuite.TestWorkflowEnvironment, *historyMeter) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler))) // thousands of runs: their debug lines would cost more than they do
	env := s.NewTestWorkflowEnvironment()
	meter := &historyMeter{}
	env.SetStartTime(start)
	env.SetDataConverter(meteredConverter{DataConverter: converter.GetDefaultDataConverter(), meter: meter})
	env.SetWorkerOptions(worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{&meterInterceptor{meter: meter}},
		// A shared, loaded machine may hold a goroutine off its core for more than the 1 s default.
		DeadlockDetectionTimeout: time.Minute,
	})
	env.RegisterActivity(acts)
	return env, meter
}

// A call of the year: departmental calls first, then regional ones, all published in
// March and closed in May (§8.3), selected three weeks after the closure.
type call struct {
	input    CampaignInput
	dossiers int
	selectAt time.Time
}

func yearCall(pol policy.Policy, c, dossiers int) call {
	level, territory := models.LevelDepartmental, fmt.Sprintf("%02d", c%95+1)
	if c >= 101 {
		level, territory = models.LevelRegional, strconv.Itoa(11+c%84)
	}
	publish := time.Date(2027, time.March, 1+c%28, 9, 0, 0, 0, french.Paris)
	closeAt := time.Date(2027, time.May, 31, 23, 59, 59, 0, french.Paris)
	return call{
		input: CampaignInput{CampaignID: fmt.Sprintf("c-%03d", c), Year: 2027, Level: level, Territory: territory,
			PublishAt: publish, CloseAt: closeAt, Policy: pol, BudgetCents: int64(dossiers) * 1_000_000},
		dossiers: dossiers,
		selectAt: closeAt.Add(days(21)),
	}
}

func runYearCampaign(b *testing.B, year *yearRun, c call) {
	start := c.input.PublishAt.Add(-days(7))
	env, meter := meteredEnv(start, &yearActivities{decisions: c.dossiers})
	var refused error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSelection, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { refused = err }, OnComplete: func(any, error) {},
		}, SelectionUpdate{Draft: activities.SelectionDraftRef{ID: "draft-" + c.input.CampaignID,
			Digest: strings.Repeat("ab", 32), Decisions: c.dossiers}, Actor: models.Actor{Name: "comité de sélection"}})
	}, c.selectAt.Sub(start))
	env.ExecuteWorkflow(CampaignWorkflow, c.input)
	var res CampaignResult
	if err := yearResult(env, &res); err != nil || refused != nil || res.Phase != models.PhaseSelected {
		b.Errorf("call %s: phase %q, error %v, selection refused %v", c.input.CampaignID, res.Phase, err, refused)
		return
	}
	year.record(typeCampaign, meter)
}

func runYearPNE(b *testing.B, year *yearRun, pol policy.Policy, structures int) {
	env, meter := meteredEnv(time.Date(2027, time.January, 2, 10, 0, 0, 0, french.Paris), &yearActivities{decisions: structures})
	env.ExecuteWorkflow(PNEWorkflow, PNEInput{Year: 2027, Policy: pol, SurveyURL: "https://enquetes.example/pne", PerSecond: 10})
	var res PNEWorkflowResult
	if err := yearResult(env, &res); err != nil || res.Phase != PNEPhaseClosed {
		b.Errorf("PNE: phase %q, error %v", res.Phase, err)
		return
	}
	year.record(typePNE, meter)
}

func yearResult(env *testsuite.TestWorkflowEnvironment, res any) error {
	if !env.IsWorkflowCompleted() {
		return fmt.Errorf("the workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		return err
	}
	return env.GetWorkflowResult(res)
}
