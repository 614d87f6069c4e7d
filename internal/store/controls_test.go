package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// seedConvention stores a call (if campaignID is new), a retained dossier and its convention in state.
func seedConvention(t *testing.T, db *gorm.DB, year int, level, territory, phase, state, ref string, cents int64) string {
	t.Helper()
	cid := uuid.NewString()
	require.NoError(t, db.Create(&models.Campaign{ID: cid, WorkflowID: "aap/" + cid, Year: year, Level: level,
		Territory: territory, Title: "Appel " + territory, Phase: phase, ContactEmail: "corr-" + territory + "@example.gouv.fr"}).Error)
	app := newApplication(cid, ref, nil)
	app.AssociationName = "Association " + ref
	require.NoError(t, db.Create(app).Error)
	id := uuid.NewString()
	require.NoError(t, db.Create(&models.Convention{ID: id, ApplicationID: app.ID, CampaignID: cid, Reference: ref,
		GrantedCents: cents, State: state}).Error)
	return id
}

func TestControlCandidatesOfARegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewControls(db)
		rhone := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)
		seedConvention(t, db, 2027, models.LevelRegional, "84", models.PhaseSelected, models.ConventionSigned, "C-84", 900_000)
		seedConvention(t, db, 2027, models.LevelDepartmental, "38", models.PhaseSelected, models.ConventionAwaitingSignature, "C-38-unsigned", 1)
		seedConvention(t, db, 2027, models.LevelRegional, "01", models.PhaseSelected, models.ConventionSigned, "C-guadeloupe", 1) // region 01, not the Ain
		seedConvention(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-2026", 1)
		seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseCancelled, models.ConventionSigned, "C-cancelled", 1)

		d, created, err := s.AddDoubt(ctx, &models.ConventionDoubt{ConventionID: rhone, Kind: control.DoubtFunds, Note: "Factures absentes"})
		require.NoError(t, err)
		require.True(t, created)
		again, created, err := s.AddDoubt(ctx, &models.ConventionDoubt{ConventionID: rhone, Kind: control.DoubtFunds, Note: "autre"})
		require.NoError(t, err)
		require.False(t, created, "one doubt per convention and kind")
		require.Equal(t, d.ID, again.ID)
		require.Equal(t, "Factures absentes", again.Note)

		got, err := s.Candidates(ctx, 2027, "84")
		require.NoError(t, err)
		require.Len(t, got, 2)
		// The seeded dossiers are one association's (one SIRET): its funding of 2027
		// counts every signed convention of the year's calls, Guadeloupe's included,
		// not the cancelled call's, the unsigned one's or 2026's (§8.5).
		require.Equal(t, control.Candidate{Subject: control.SubjectConvention, ConventionID: rhone, Reference: "C-69", AssociationName: "Association C-69",
			ProjectTitle: "C-69", Department: "69", GrantedCents: 500_000, Doubts: []string{control.DoubtFunds},
			AssociationCents: 500_000 + 900_000 + 1, AssociationConventions: 3}, got[0])
		require.Equal(t, "C-84", got[1].Reference)
		require.Empty(t, got[1].Department, "a regional call has no department")

		corr, err := s.Correspondents(ctx, 2027, "84")
		require.NoError(t, err)
		var emails []string
		for _, c := range corr {
			emails = append(emails, c.Email)
		}
		require.ElementsMatch(t, []string{"corr-69@example.gouv.fr", "corr-84@example.gouv.fr", "corr-38@example.gouv.fr"}, emails)
	})
}

func TestControlPlanResultAndFollowUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewControls(db)
		conv := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)
		c := &models.Control{ID: uuid.NewString(), ConventionID: conv, Year: 2027, Region: "84", Department: "69",
			PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone}
		stored, created, err := s.Plan(ctx, c)
		require.NoError(t, err)
		require.True(t, created)
		second := *c
		second.ID = uuid.NewString()
		again, created, err := s.Plan(ctx, &second)
		require.NoError(t, err)
		require.False(t, created, "one control per convention")
		require.Equal(t, stored.ID, again.ID)

		result := &models.Control{Outcome: models.OutcomeNonCompliant, Findings: "Pas de feuilles d'émargement", DoneOn: "2027-06-15",
			FollowUpKind: models.FollowUpRepayment, FollowUpAmountCents: 100_000, FollowUpState: models.FollowUpStateOpen}
		require.NoError(t, s.RecordResult(ctx, stored.ID, result))
		require.ErrorIs(t, s.RecordResult(ctx, stored.ID, result), store.ErrConflict, "a control is done once")
		require.ErrorIs(t, s.RecordResult(ctx, uuid.NewString(), result), store.ErrNotFound)

		require.NoError(t, s.UpdateFollowUp(ctx, stored.ID, []string{models.FollowUpStateOpen},
			map[string]any{"follow_up_state": models.FollowUpStateClosed, "recovered_cents": 100_000, "follow_up_closed_on": "2027-08-01"}))
		require.ErrorIs(t, s.UpdateFollowUp(ctx, stored.ID, []string{models.FollowUpStateOpen}, map[string]any{"follow_up_note": "x"}), store.ErrConflict)

		lines, err := s.SynthesisLines(ctx, 2027, "84")
		require.NoError(t, err)
		require.Len(t, lines, 1)
		require.Equal(t, "C-69", lines[0].Reference)
		require.Equal(t, int64(500_000), lines[0].GrantedCents)
		require.Equal(t, models.FollowUpStateClosed, lines[0].FollowUpState)
		require.Equal(t, int64(100_000), lines[0].RecoveredCents)

		_, err = s.Synthesis(ctx, 2027, "84")
		require.ErrorIs(t, err, store.ErrNotFound)
		at := time.Date(2027, 9, 30, 7, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordSynthesisSent(ctx, 2027, "84", "2027-09-30", 1, at))
		require.NoError(t, s.RecordSynthesisSent(ctx, 2027, "84", "2027-09-30", 5, at.Add(time.Hour)))
		syn, err := s.Synthesis(ctx, 2027, "84")
		require.NoError(t, err)
		require.Equal(t, 1, syn.Controls, "the first sending stands")
		require.True(t, at.Equal(*syn.SentAt))
	})
}

// auditOf returns the entries of one entity, oldest first.
func auditOf(t *testing.T, db *gorm.DB, entity, id string) []models.AuditEntry {
	t.Helper()
	var out []models.AuditEntry
	require.NoError(t, db.Where("entity = ? AND entity_id = ?", entity, id).Order("id").Find(&out).Error)
	return out
}

// Every control write is in the audit trail with its actor, before and after;
// a write that changes nothing (a repeated or refused one) records nothing.
func TestControlWritesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		tokenID := uint64(7)
		ctx := store.WithActor(context.Background(), store.Actor{Name: "correspondant 84", TokenID: &tokenID, RequestID: "req-1"})
		s := store.NewControls(db)
		conv := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)

		for range 2 {
			_, _, err := s.AddDoubt(ctx, &models.ConventionDoubt{ConventionID: conv, Kind: control.DoubtFunds, Note: "Factures absentes"})
			require.NoError(t, err)
		}
		doubts := auditOf(t, db, store.AuditConvention, conv)
		require.Len(t, doubts, 1, "the same doubt again records nothing")
		require.Equal(t, "doubt_flagged", doubts[0].Action)
		require.Equal(t, "correspondant 84", doubts[0].Actor)
		require.Equal(t, &tokenID, doubts[0].TokenID)
		require.Equal(t, "req-1", doubts[0].RequestID)
		require.Empty(t, doubts[0].Before)
		require.JSONEq(t, `{"kind":"utilisation_fonds","note":"Factures absentes"}`, doubts[0].After)

		c := &models.Control{ID: uuid.NewString(), ConventionID: conv, Year: 2027, Region: "84", Department: "69",
			PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone}
		stored, _, err := s.Plan(ctx, c)
		require.NoError(t, err)
		second := *c
		second.ID = uuid.NewString()
		_, _, err = s.Plan(ctx, &second)
		require.NoError(t, err)
		require.Empty(t, auditOf(t, db, store.AuditControl, second.ID), "a second plan records nothing")

		result := &models.Control{Outcome: models.OutcomeNonCompliant, Findings: "Pas d'émargement", DoneOn: "2027-06-15",
			FollowUpKind: models.FollowUpRepayment, FollowUpAmountCents: 100_000, FollowUpState: models.FollowUpStateOpen}
		require.NoError(t, s.RecordResult(ctx, stored.ID, result))
		require.ErrorIs(t, s.RecordResult(ctx, stored.ID, result), store.ErrConflict)
		require.NoError(t, s.UpdateFollowUp(ctx, stored.ID, []string{models.FollowUpStateOpen},
			map[string]any{"follow_up_state": models.FollowUpStateClosed, "recovered_cents": 100_000}))
		require.ErrorIs(t, s.UpdateFollowUp(ctx, stored.ID, []string{models.FollowUpStateOpen}, map[string]any{"follow_up_note": "x"}), store.ErrConflict)

		entries := auditOf(t, db, store.AuditControl, stored.ID)
		require.Len(t, entries, 3, "planned, result, follow-up; the refused writes record nothing")
		require.Equal(t, []string{"planned", "result_recorded", "follow_up_updated"},
			[]string{entries[0].Action, entries[1].Action, entries[2].Action})
		for _, e := range entries {
			require.Equal(t, "correspondant 84", e.Actor)
		}
		require.Empty(t, entries[0].Before)
		require.Contains(t, entries[0].After, `"planned_on":"2027-06-15"`)
		require.Contains(t, entries[0].After, `"convention_id":"`+conv+`"`)
		require.Contains(t, entries[1].Before, `"state":"planned"`)
		require.Contains(t, entries[1].Before, `"follow_up_state":"none"`)
		require.Contains(t, entries[1].After, `"state":"done"`)
		require.Contains(t, entries[1].After, `"follow_up_amount_cents":100000`)
		require.JSONEq(t, `{"follow_up_state":"open","recovered_cents":0}`, entries[2].Before)
		require.JSONEq(t, `{"follow_up_state":"closed","recovered_cents":100000}`, entries[2].After)

		// The synthesis is sent by the region's workflow: its actor is the workflow's.
		at := time.Date(2027, 9, 30, 7, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordSynthesisSent(context.Background(), 2027, "84", "2027-09-30", 1, at))
		require.NoError(t, s.RecordSynthesisSent(context.Background(), 2027, "84", "2027-09-30", 5, at.Add(time.Hour)))
		syn := auditOf(t, db, store.AuditControlSynthesis, "2027/84")
		require.Len(t, syn, 1, "the first sending stands, once in the trail")
		require.Equal(t, "synthesis_sent", syn[0].Action)
		require.Equal(t, store.WorkflowActor.Name, syn[0].Actor)
		require.Contains(t, syn[0].After, `"controls":1`)
	})
}

// §8.5: a regional call's convention counts for the department where its action
// takes place (the decision's), and a department of the region with a convention
// to control but no control held by the synthesis date is a gap, recorded once.
func TestControlGapsByDepartment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewControls(db)
		rhone := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)
		isere := seedConvention(t, db, 2027, models.LevelRegional, "84", models.PhaseSelected, models.ConventionSigned, "C-84-isere", 300_000)
		seedConvention(t, db, 2027, models.LevelRegional, "84", models.PhaseSelected, models.ConventionSigned, "C-84-inter", 200_000)
		var conv models.Convention
		require.NoError(t, db.Where("id = ?", isere).Take(&conv).Error)
		require.NoError(t, db.Model(&models.Application{}).Where("id = ?", conv.ApplicationID).Update("action_department", "38").Error)

		cands, err := s.Candidates(ctx, 2027, "84")
		require.NoError(t, err)
		deps := map[string]string{}
		for _, c := range cands {
			deps[c.Reference] = c.Department
		}
		require.Equal(t, map[string]string{"C-69": "69", "C-84-isere": "38", "C-84-inter": ""}, deps)

		// Nothing held: the Rhône and the Isère are gaps; the Ain has nothing to control.
		gaps, err := s.Gaps(ctx, 2027, "84", "2027-09-30")
		require.NoError(t, err)
		require.Len(t, gaps, 2)
		require.Equal(t, []string{"38", "69"}, []string{gaps[0].Department, gaps[1].Department})

		// A control held in the Rhône removes its gap; one only planned in the Isère does not.
		for _, c := range []struct {
			conv, dep, state string
		}{{rhone, "69", models.ControlDone}, {isere, "38", models.ControlPlanned}} {
			require.NoError(t, db.Create(&models.Control{ID: uuid.NewString(), ConventionID: c.conv, Year: 2027, Region: "84",
				Department: c.dep, PlannedOn: "2027-06-01", Controller: "Inspection", State: c.state, FollowUpState: models.FollowUpStateNone}).Error)
		}
		gaps, err = s.Gaps(ctx, 2027, "84", "2027-09-30")
		require.NoError(t, err)
		require.Len(t, gaps, 1)
		require.Equal(t, models.ControlGap{Year: 2027, Region: "84", Department: "38", DueOn: "2027-09-30", Candidates: 1, Planned: 1}, gaps[0])

		require.NoError(t, s.RecordGaps(ctx, gaps))
		require.NoError(t, s.RecordGaps(ctx, gaps), "recorded once")
		var stored []models.ControlGap
		require.NoError(t, db.Find(&stored).Error)
		require.Len(t, stored, 1)
		var audit int64
		require.NoError(t, db.Model(&models.AuditEntry{}).Where("action = ?", "department_without_control").Count(&audit).Error)
		require.Equal(t, int64(1), audit)
	})
}
