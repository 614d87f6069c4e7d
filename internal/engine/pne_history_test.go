package engine

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// §8.4: « les associations n'ayant pas répondu à l'enquête nationale en 2023 puis
// en 2024 ne [sont pas] financées ». The engine ran no 2023 questionnaire: DIAN
// imports its results (CSV or XLSX), and the 2024 rule fires for the association
// that missed both, at the threshold (two misses), and not for the one that
// answered in 2023 (one miss, just under it). A bad line refuses the whole file;
// a year the engine ran is refused; a correspondent may not import.
func TestImportedPNEHistoryLetsThe2024RuleFire(t *testing.T) {
	db := storetest.SQLite(t)
	pols, err := loadPolicies(config.Config{})
	require.NoError(t, err)
	p2024, err := pols.ForYear(2024)
	require.NoError(t, err)
	now := func() time.Time { return time.Date(2024, time.June, 10, 10, 0, 0, 0, time.UTC) }
	router := yearRouter(db, pols, now, slog.New(slog.DiscardHandler))
	issue := func(n auth.NewToken) string {
		secret, _, err := auth.Issue(context.Background(), store.NewTokens(db), n, now())
		require.NoError(t, err)
		return secret
	}
	dian := issue(auth.NewToken{Name: "DIAN (test)", Role: auth.RoleDIAN})
	ddets := issue(auth.NewToken{Name: "DDETS", Role: auth.RoleCorrespondent, Territory: "69", Level: models.LevelDepartmental})

	bad := "siret;rna;nom;repondu\n73282932000074;;Accueil Rhône;non\n12345678901234;;Clé fausse;peut-être\n"
	rec := callAs(router, dian, http.MethodPost, "/api/v1/pne/2023/results", "text/csv", bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), `"field":"line 3"`)
	require.Contains(t, rec.Body.String(), "ni oui ni non")
	var n int64
	require.NoError(t, db.Model(&models.PNEResult{}).Count(&n).Error)
	require.Zero(t, n, "nothing recorded")
	rec = callAs(router, ddets, http.MethodPost, "/api/v1/pne/2023/results", "text/csv", bad)
	require.Equal(t, http.StatusForbidden, rec.Code, rec.Body.String())

	// The 2023 questionnaire (« PNE 2022 »): Accueil Rhône missed it, Lire ensemble answered.
	good := "siret;rna;nom;repondu\n73282932000074;;Accueil Rhône;non\n;W691234567;Lire ensemble;oui\n"
	rec = callAs(router, dian, http.MethodPost, "/api/v1/pne/2023/results", "text/csv", good)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"year":2023,"name":"PNE 2022","recorded":2}`, rec.Body.String())
	// Both missed the 2024 questionnaire (« PNE 2023 »), recorded by the engine's closure.
	results := store.NewPNEResults(db)
	require.NoError(t, results.Record(context.Background(), "siren:732829320", 2024, false, nil))
	require.NoError(t, results.Record(context.Background(), "rna:W691234567", 2024, false, nil))
	var audit int64
	require.NoError(t, db.Model(&models.AuditEntry{}).Where("entity = ? AND action = ?", store.AuditAssociation, "pne_result_imported").Count(&audit).Error)
	require.EqualValues(t, 2, audit)

	for _, tc := range []struct {
		key, name string
		status    int
	}{{"siren:732829320", "Accueil Rhône", http.StatusUnprocessableEntity}, {"rna:W691234567", "Lire ensemble", http.StatusOK}} {
		c := seedYearCampaign(t, db, 2024, models.PhaseClosed, p2024)
		app := seedYearDossier(t, db, c, tc.key, tc.name, "a@example.org", "")
		body := `{"decisions": [{"application_id": "` + app.ID + `", "decision": "retenu", "granted_eur": 5000, "score": 70}]}`
		rec := callAs(router, dian, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/selection?dry_run=true", "application/json", body)
		require.Equal(t, tc.status, rec.Code, "%s: %s", tc.name, rec.Body.String())
		if tc.status != http.StatusOK {
			require.Contains(t, rec.Body.String(), `"rule":"pne_blocked"`)
			require.Contains(t, rec.Body.String(), "PNE 2022 (envoyé en 2023) et 2023 (envoyé en 2024)")
		}
	}

	// A year whose questionnaire the engine ran keeps its own results.
	require.NoError(t, db.Create(&models.PNEStructure{Year: 2024, AssociationKey: "siren:732829320", AssociationName: "Accueil Rhône", Token: "t-2024"}).Error)
	rec = callAs(router, dian, http.MethodPost, "/api/v1/pne/2024/results", "text/csv", good)
	require.Equal(t, http.StatusConflict, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), "pne_year_run_here")
}
