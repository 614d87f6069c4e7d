package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// seedPNECampaign stores a call and its dossiers: each dossier is (association key, name, email,
// decision); a retained dossier's convention is signed, unless the decision says
// "retenu/<state>" (lapsed, cancelled, awaiting_signature) or "retenu/none" (no convention).
func seedPNECampaign(t *testing.T, db *gorm.DB, year int, level, territory, phase string, dossiers ...[4]string) {
	t.Helper()
	id := uuid.NewString()
	require.NoError(t, db.Create(&models.Campaign{ID: id, WorkflowID: "aap/" + id, Year: year, Level: level,
		Territory: territory, Title: "Appel " + territory, Phase: phase}).Error)
	for i, d := range dossiers {
		decision, convention, _ := strings.Cut(d[3], "/")
		if convention == "" && decision == "retenu" {
			convention = models.ConventionSigned
		}
		app := newApplication(id, uuid.NewString(), nil)
		app.Year, app.AssociationName, app.AssociationEmail, app.Decision = year, d[1], d[2], decision
		app.SIRET, app.RNA, app.AssociationKey = "", "", d[0] // the key as given, without resolving
		decided := time.Date(year, 7, 1, 10, i, 0, 0, time.UTC)
		app.DecidedAt = &decided
		require.NoError(t, db.Create(app).Error)
		if convention != "" && convention != "none" {
			require.NoError(t, db.Create(&models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: id,
				Reference: "CONV-" + app.ID[:8], State: convention}).Error)
		}
	}
}

func TestPNEListFromTheDossiersFundedTheYearBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		// 2026 calls: the Rhône (departmental, region 84) and Bretagne (regional).
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "Accueil Rhône", "old@accueil.example", "retenu"},
			[4]string{"siret:2", "Lire ensemble", "", "retenu"},
			[4]string{"siret:3", "Refusée", "r@example.org", "non_retenu"},
			[4]string{"siret:4", "Partage A", "commun@example.org", "retenu"})
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "Accueil Rhône", "pne@accueil.example", "retenu"})
		seedPNECampaign(t, db, 2026, models.LevelRegional, "53", models.PhaseSelected,
			[4]string{"siret:5", "Partage B", "COMMUN@example.org", "retenu"})
		seedPNECampaign(t, db, 2026, models.LevelRegional, "84", models.PhaseCancelled,
			[4]string{"siret:6", "Annulée", "a@example.org", "retenu"})
		seedPNECampaign(t, db, 2025, models.LevelRegional, "84", models.PhaseSelected,
			[4]string{"siret:7", "Trop ancienne", "o@example.org", "retenu"})
		// §8.4 lists « les structures ayant bénéficié des crédits »: a convention lapsed,
		// cancelled, still unsigned or never drawn up funded nothing.
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:8", "Convention caduque", "l@example.org", "retenu/" + models.ConventionLapsed},
			[4]string{"siret:9", "Convention annulée", "c@example.org", "retenu/" + models.ConventionCancelled},
			[4]string{"siret:10", "Non signée", "n@example.org", "retenu/" + models.ConventionAwaitingSignature},
			[4]string{"siret:11", "Sans convention", "s@example.org", "retenu/none"})

		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)

		type line struct {
			Key, Name, Email, Region, Department string
			Actions                              int
		}
		var got []line
		tokens := map[string]string{}
		for _, r := range rows {
			got = append(got, line{r.AssociationKey, r.AssociationName, r.Email, r.Region, r.Department, r.FundedActions})
			require.Len(t, r.Token, 32)
			tokens[r.AssociationKey] = r.Token
		}
		require.Equal(t, []line{
			{"siret:5", "Partage B", "COMMUN@example.org", "53", "", 1},
			{"siret:1", "Accueil Rhône", "pne@accueil.example", "84", "69", 2},
			{"siret:2", "Lire ensemble", "", "84", "69", 1},
			{"siret:4", "Partage A", "commun@example.org", "84", "69", 1},
		}, got, "dossiers of 2026 whose convention was signed only, by region, department and name; the latest email")
		require.Len(t, map[string]bool{tokens["siret:1"]: true, tokens["siret:2"]: true, tokens["siret:4"]: true, tokens["siret:5"]: true}, 4)

		problems := store.PNEProblems(rows)
		rules := map[string]string{}
		for _, p := range problems {
			rules[p.AssociationName] = p.Rule
			require.NotEmpty(t, p.Message)
		}
		require.Equal(t, map[string]string{"Lire ensemble": store.PNEEmailMissing,
			"Partage A": store.PNEEmailDuplicate, "Partage B": store.PNEEmailDuplicate}, rules)

		// Building again (a retried activity) keeps every token and answer.
		answered := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)
		_, err = s.RecordAnswer(ctx, 2027, rows[1].ID, &answered)
		require.NoError(t, err)
		again, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, again, 4)
		for _, r := range again {
			require.Equal(t, tokens[r.AssociationKey], r.Token)
		}
		require.NotNil(t, again[1].AnsweredAt)
	})
}

func TestPNEAnswersRatesAndClosure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "A", "a@example.org", "retenu"}, [4]string{"siret:2", "B", "b@example.org", "retenu"})
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "35", models.PhaseSelected,
			[4]string{"siret:3", "C", "c@example.org", "retenu"})
		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, rows, 3)

		_, err = s.RecordAnswer(ctx, 2027, 999999, nil)
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RecordAnswer(ctx, 2028, rows[0].ID, nil)
		require.ErrorIs(t, err, store.ErrNotFound, "a structure of another year")

		at := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)
		byKey := map[string]uint64{}
		for _, r := range rows {
			byKey[r.AssociationKey] = r.ID
		}
		got, err := s.RecordAnswer(ctx, 2027, byKey["siret:1"], &at)
		require.NoError(t, err)
		require.True(t, at.Equal(*got.AnsweredAt))

		pending, err := s.NonRespondents(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, pending, 2)

		rates, err := s.Rates(ctx, 2027)
		require.NoError(t, err)
		require.Equal(t, store.PNERate{Structures: 3, Answered: 1}, rates.Overall)
		require.Equal(t, []store.PNERate{{Code: "53", Structures: 1}, {Code: "84", Structures: 2, Answered: 1}}, rates.ByRegion)
		require.Equal(t, []store.PNERate{{Code: "35", Structures: 1}, {Code: "69", Structures: 2, Answered: 1}}, rates.ByDepartment)

		// A miss already recorded is overwritten by the closure, which may run twice.
		results := store.NewPNEResults(db)
		require.NoError(t, results.Record(ctx, "siret:1", 2027, false, nil))
		for range 2 {
			n, answered, err := s.Close(ctx, 2027)
			require.NoError(t, err)
			require.Equal(t, 3, n)
			require.Equal(t, 1, answered)
		}
		missed, err := results.MissedYears(ctx, []string{"siret:1", "siret:2", "siret:3"})
		require.NoError(t, err)
		require.Equal(t, map[string][]int{"siret:2": {2027}, "siret:3": {2027}}, missed)
		var count int64
		require.NoError(t, db.Model(&models.PNEResult{}).Where("year = ?", 2027).Count(&count).Error)
		require.EqualValues(t, 3, count)
	})
}

func TestPNEImportAnswersIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		rows := []models.PNEStructure{
			{Year: 2027, AssociationKey: "siret:1", AssociationName: "A", Email: "a@example.org", Token: "ta"},
			{Year: 2027, AssociationKey: "siret:2", AssociationName: "B", Email: "b@example.org", Token: "tb"},
		}
		require.NoError(t, db.Create(&rows).Error)
		at := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)

		n, problems, err := s.ImportAnswers(ctx, 2027, []store.PNEImportRow{{Line: 2, Token: "ta", AnsweredAt: at}, {Line: 3, Email: "x@example.org", AnsweredAt: at}})
		require.NoError(t, err)
		require.Zero(t, n)
		require.Equal(t, []int{3}, []int{problems[0].Line})
		pending, err := s.NonRespondents(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, pending, 2, "nothing written")

		n, problems, err = s.ImportAnswers(ctx, 2027, []store.PNEImportRow{{Line: 2, Token: "ta", AnsweredAt: at}, {Line: 3, Email: "B@example.org", AnsweredAt: at}})
		require.NoError(t, err)
		require.Empty(t, problems)
		require.Equal(t, 2, n)
		n, _, err = s.ImportAnswers(ctx, 2027, []store.PNEImportRow{{Line: 2, Token: "ta", AnsweredAt: at.Add(time.Hour)}})
		require.NoError(t, err)
		require.Zero(t, n, "the first answer's date is kept")
	})
}

func TestPNERefusedMailingsTellWhichStructureWasNotReached(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "A", "a@example.org", "retenu"}, [4]string{"siret:2", "B", "b@example.org", "retenu"})
		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, rows, 2)
		refusedID := rows[1].ID
		outbox := func(key, state string) {
			require.NoError(t, db.Create(&models.Email{Key: key, MessageID: key, Purpose: "pne_invitation",
				Recipient: "b@example.org", State: state, LastError: "550 5.1.1 unknown user"}).Error)
		}
		outbox(fmt.Sprintf("aap/pne/2027/pne-invitation/structure-%d", refusedID), models.EmailFailed)
		outbox(fmt.Sprintf("aap/pne/2027/pne-reminder-1/structure-%d", refusedID), models.EmailFailed) // once is enough
		outbox(fmt.Sprintf("aap/pne/2027/pne-invitation/structure-%d", rows[0].ID), models.EmailSent)
		outbox(fmt.Sprintf("aap/pne/2026/pne-invitation/structure-%d", rows[0].ID), models.EmailFailed) // another year

		problems, err := s.RefusedMailings(ctx, 2027, rows)
		require.NoError(t, err)
		require.Len(t, problems, 1)
		require.Equal(t, refusedID, problems[0].StructureID)
		require.Equal(t, store.PNEEmailRefused, problems[0].Rule)
		require.Contains(t, problems[0].Message, "b@example.org")
		require.Contains(t, problems[0].Message, "550 5.1.1 unknown user")
	})
}

// One answer wins: twenty answers with their own dates sent together record one
// (one audit entry), the others are ErrConflict; the same answer again changes
// nothing and writes no entry; another answer needs the first withdrawn.
func TestPNEAnswerOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siret:1", "A", "a@example.org", "retenu"})
		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		id := rows[0].ID
		base := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)

		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				at := base.Add(time.Duration(i) * time.Hour)
				_, errs[i] = s.RecordAnswer(ctx, 2027, id, &at)
			}()
		}
		wg.Wait()
		won, lost := -1, 0
		for i, err := range errs {
			switch {
			case err == nil:
				require.Equal(t, -1, won, "a second winner: %d and %d", won, i)
				won = i
			case errors.Is(err, store.ErrConflict):
				lost++
			default:
				t.Fatalf("answer %d: %v", i, err)
			}
		}
		require.Equal(t, 19, lost)
		got, err := s.Get(ctx, 2027, id)
		require.NoError(t, err)
		winner := base.Add(time.Duration(won) * time.Hour)
		require.True(t, winner.Equal(*got.AnsweredAt), "the winner's date: %v", got.AnsweredAt)
		audit := func() int64 {
			var n int64
			require.NoError(t, db.Model(&models.AuditEntry{}).Where("entity = ? AND action = ?", store.AuditPNEStructure, "answer_recorded").Count(&n).Error)
			return n
		}
		require.EqualValues(t, 1, audit(), "one entry, the winner's")

		_, err = s.RecordAnswer(ctx, 2027, id, &winner)
		require.NoError(t, err, "the same answer again")
		require.EqualValues(t, 1, audit(), "changes nothing")
		other := winner.Add(time.Minute)
		_, err = s.RecordAnswer(ctx, 2027, id, &other)
		require.ErrorIs(t, err, store.ErrConflict, "another date while one is recorded")
		_, err = s.RecordAnswer(ctx, 2027, id, nil)
		require.NoError(t, err, "withdrawn")
		got, err = s.RecordAnswer(ctx, 2027, id, &other)
		require.NoError(t, err, "then recorded again")
		require.True(t, other.Equal(*got.AnsweredAt))
		require.EqualValues(t, 3, audit())
	})
}

// The associations a CTAI funded in 2026 mobilised (its bilan names them) are asked
// too: one bearing the name of an association funded by a call joins its row; the
// others are listed in the collectivité's department, without an email (to complete).
// A CTAI without DIAN's favourable opinion funded nothing.
func TestPNEListHoldsTheAssociationsAFundedCTAIMobilised(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siren:732829320", "Accueil Rhône", "a@accueil.example", "retenu"})
		ctaiRequest := func(code, opinion string, names ...string) {
			require.NoError(t, db.Create(&models.CTAIRequest{ID: uuid.NewString(), WorkflowID: "ctai-" + code, Year: 2026, Kind: "renewal",
				CollectiviteCode: code, CollectiviteName: "Ville " + code, Territory: "38", State: models.CTAIReviewed, Opinion: opinion,
				Bilan: []ctai.ActionBilan{{Action: "Cours", Associations: names}}}).Error)
		}
		ctaiRequest("38185", ctai.OpinionFavourable, "ACCUEIL RHÔNE", "Solidarité Isère", " ")
		ctaiRequest("38421", ctai.OpinionUnfavourable, "Refusée par la DIAN")

		rows, err := store.NewPNEStructures(db).BuildList(ctx, 2027)
		require.NoError(t, err)
		got := map[string]string{}
		for _, r := range rows {
			got[r.AssociationName] = fmt.Sprintf("%s %s/%s %d", r.AssociationKey, r.Region, r.Department, r.FundedActions)
		}
		require.Equal(t, map[string]string{
			"Accueil Rhône":    "siren:732829320 84/38 2", // the same association: its row, its dossier's name (one action each side: the smaller code)
			"Solidarité Isère": store.CTAIAssociationKey("solidarité isère") + " 84/38 1",
		}, got)
	})
}
