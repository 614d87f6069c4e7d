package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// The CTAI filing (the caller's) and its opinion (the workflow's) are in the
// audit trail once each, with what changed.
func TestCTAIWritesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewCTAIRequests(db)
		caller := store.WithActor(context.Background(), store.Actor{Name: "correspondant 69", RequestID: "req-ctai"})
		first, _, err := s.Create(caller, ctaiRow("69266", ctai.KindNew))
		require.NoError(t, err)
		_, created, err := s.Create(caller, ctaiRow("69266", ctai.KindNew))
		require.NoError(t, err)
		require.False(t, created)

		ev := ctai.Proposal{Opinion: ctai.OpinionUnfavourable, Outcomes: []ctai.Outcome{{Rule: ctai.RuleBilan, Message: "Aucun bilan"}}}
		at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordProposal(context.Background(), first.ID, ev, at))
		require.NoError(t, s.RecordProposal(context.Background(), first.ID, ev, at.Add(time.Hour)), "a retried activity")
		agent := store.WithActor(context.Background(), store.Actor{Name: "Agent DIAN", RequestID: "req-avis"})
		d := ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 50, Motivation: "Bilan reçu"}
		require.NoError(t, s.RecordDecision(agent, first.ID, d, 0, at))
		require.NoError(t, s.RecordDecision(agent, first.ID, d, 0, at), "a retried activity")
		require.ErrorIs(t, s.RecordDecision(agent, first.ID, ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "x"}, 0, at), store.ErrConflict)
		used, err := s.EnvelopeUsed(context.Background(), 2027, "other")
		require.NoError(t, err)
		assert.EqualValues(t, 50, used)
		used, err = s.EnvelopeUsed(context.Background(), 2027, first.ID)
		require.NoError(t, err)
		assert.Zero(t, used, "its own opinion is not counted")

		entries := auditOf(t, db, store.AuditCTAIRequest, first.ID)
		require.Len(t, entries, 3, "one filing, one proposal, one opinion: the repeated ones record nothing")
		filed, opinion, decided := entries[0], entries[1], entries[2]
		require.Equal(t, "opinion_decided", decided.Action)
		require.Equal(t, "Agent DIAN", decided.Actor, "the agent who decided")
		require.Contains(t, decided.After, `"agrees_with_proposal":false`)
		require.Equal(t, "filed", filed.Action)
		require.Equal(t, "correspondant 69", filed.Actor)
		require.Equal(t, "req-ctai", filed.RequestID)
		require.Empty(t, filed.Before)
		require.JSONEq(t, `{"year":2027,"kind":"`+ctai.KindNew+`","collectivite_code":"69266","requested_cents":100}`, filed.After)
		require.NotContains(t, filed.After, "villeurbanne.example", "no email in the trail's summary of a filing")

		require.Equal(t, "opinion_proposed", opinion.Action)
		require.Equal(t, store.WorkflowActor.Name, opinion.Actor)
		require.JSONEq(t, `{"state":"`+models.CTAIFiled+`"}`, opinion.Before)
		require.Contains(t, opinion.After, `"proposed_opinion":"`+ev.Opinion+`"`)
	})
}

// A PNE structure's address correction is in the trail with the old and the new address.
func TestPNEEmailCorrectionIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := store.WithActor(context.Background(), store.Actor{Name: "correspondant 84"})
		s := store.NewPNEStructures(db)
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "Accueil Rhône", "old@accueil.example", "retenu"})
		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		id := rows[0].ID

		_, err = s.UpdateEmail(ctx, 2027, id, "pne@accueil.example")
		require.NoError(t, err)
		_, err = s.UpdateEmail(ctx, 2026, id, "autre@accueil.example")
		require.ErrorIs(t, err, store.ErrNotFound, "another year's structure")

		entries := auditOf(t, db, store.AuditPNEStructure, itoaU(id))
		require.Len(t, entries, 1, "the refused correction records nothing")
		require.Equal(t, "email_corrected", entries[0].Action)
		require.Equal(t, "correspondant 84", entries[0].Actor)
		require.JSONEq(t, `{"email":"old@accueil.example"}`, entries[0].Before)
		require.JSONEq(t, `{"email":"pne@accueil.example"}`, entries[0].After)
	})
}

func itoaU(id uint64) string { return strconv.FormatUint(id, 10) }
