package api_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/ds/dstest"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// mappingLines is a mapping as the call form's textarea takes it, one « field = champ » a line.
func mappingLines(m ds.Mapping) string {
	var out []string
	for field, champ := range m {
		out = append(out, field+" = "+champ)
	}
	sort.Strings(out)
	return strings.Join(out, "\r\n")
}

func dsCallForm(m ds.Mapping) url.Values {
	f := callForm()
	f.Set("ds_demarche", "4242")
	f.Set("ds_instructeur", "SW5zdHJ1Y3RldXItNw==")
	f.Set("ds_mapping", mappingLines(m))
	return f
}

// A correspondent names the call's Démarches Simplifiées démarche in the form: the API's
// rules and DS's champs check it, each refusal next to its field and nothing stored;
// a good one is stored with the call.
func TestAgentCreatesACallWithADSSourceThroughTheForm(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	e := newEnv(t, withDS(ds.New(fake.URL, "jeton"), webhookSecret))
	e.acceptStarts()
	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	form := a.get(t, web.PathNewCall)
	require.Equal(t, http.StatusOK, form.Code)
	assert.Contains(t, form.Body.String(), `id="ds_mapping"`, "the optional fieldset is there")

	bad := dsCallForm(dstest.Mapping())
	bad.Set("ds_demarche", "quatre")
	bad.Set("ds_mapping", "project.title = Q2hhbXAtNA==\nproject.theme")
	rec := a.post(t, web.PathNewCall, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, errorOf(rec.Body.String(), "ds_demarche"), "un nombre entier")
	assert.Contains(t, errorOf(rec.Body.String(), "ds_mapping"), "ligne 2 : « champ du dossier = identifiant du champ » attendu")
	assert.Zero(t, e.storedCount(t))

	wrong := dstest.Mapping()
	wrong["project.requested_eur"] = "Q2hhbXAtMg==" // a text champ
	rec = a.post(t, web.PathNewCall, dsCallForm(wrong))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.Contains(t, errorOf(rec.Body.String(), "ds_mapping"), "project.requested_eur : ")
	assert.Contains(t, errorOf(rec.Body.String(), "ds_mapping"), "attendu : DecimalNumber ou IntegerNumber")
	assert.Zero(t, e.storedCount(t))

	rec = a.post(t, web.PathNewCall, dsCallForm(dstest.Mapping()))
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	id := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/campagnes/"), "?cree=1")
	c, err := e.campaigns.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, 4242, c.DSDemarche)
}

// Without the connector (AAP_DS_TOKEN), the form says so next to the démarche and stores nothing.
func TestCallFormRefusesADSSourceWithoutTheConnector(t *testing.T) {
	e := newEnv(t)
	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	rec := a.post(t, web.PathNewCall, dsCallForm(dstest.Mapping()))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, errorOf(rec.Body.String(), "ds_demarche"), "n'est pas configuré")
	assert.Zero(t, e.storedCount(t))
}
