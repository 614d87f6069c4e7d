package ds_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/ds/dstest"
)

// Every operation the connector sends is valid against DS's published schema.
func TestOperationsValidateAgainstPublishedSchema(t *testing.T) {
	schema, err := dstest.Schema()
	require.NoError(t, err)
	require.Len(t, ds.Operations, 6)
	for name, op := range ds.Operations {
		doc, err := dstest.Validate(schema, op)
		require.NoError(t, err, name)
		assert.Equal(t, name, doc.Operations[0].Name, "the operation is sent under its own name")
	}
	// The check can fail: a field or an argument DS does not publish is refused.
	_, err = dstest.Validate(schema, `query q($n: Int!) { demarche(number: $n) { dossiers(since: "x") { nodes { id } } } }`)
	assert.ErrorContains(t, err, "since")
	_, err = dstest.Validate(schema, `query q($n: Int!) { dossier(number: $n) { id statut } }`)
	assert.ErrorContains(t, err, "statut")
}

// The fake's answers are checked against the selection set: a wrong shape is caught.
func TestCheckResponseRefusesWrongShapes(t *testing.T) {
	schema, err := dstest.Schema()
	require.NoError(t, err)
	doc, err := dstest.Validate(schema, ds.Operations["getDossierState"])
	require.NoError(t, err)
	good := `{"dossier": {"id": "RG9zc2llci0x", "number": 1, "state": "en_instruction"}}`
	require.NoError(t, dstest.CheckResponse(schema, doc, json.RawMessage(good)))
	for name, bad := range map[string]string{
		"missing field":  `{"dossier": {"id": "RG9zc2llci0x", "number": 1}}`,
		"extra field":    `{"dossier": {"id": "RG9zc2llci0x", "number": 1, "state": "accepte", "motivation": "x"}}`,
		"unknown enum":   `{"dossier": {"id": "RG9zc2llci0x", "number": 1, "state": "instruit"}}`,
		"null non-null":  `{"dossier": {"id": null, "number": 1, "state": "accepte"}}`,
		"float for Int":  `{"dossier": {"id": "RG9zc2llci0x", "number": 1.5, "state": "accepte"}}`,
		"string for Int": `{"dossier": {"id": "RG9zc2llci0x", "number": "1", "state": "accepte"}}`,
	} {
		assert.Error(t, dstest.CheckResponse(schema, doc, json.RawMessage(bad)), name)
	}
	doc, err = dstest.Validate(schema, ds.Operations["getDemarcheDescriptors"])
	require.NoError(t, err)
	wrongType := `{"demarche": {"id": "x", "number": 1, "activeRevision": {"champDescriptors": [{"__typename": "TextChamp", "id": "a", "label": "b", "required": true}]}}}`
	assert.ErrorContains(t, dstest.CheckResponse(schema, doc, json.RawMessage(wrongType)), "TextChamp")
}

func dossierAt(n int, at time.Time) dstest.Dossier {
	d := dstest.ValidAnswers("Projet").Dossier(n, ds.StateEnConstruction, at)
	return d
}

// Pages follow the cursor; updatedSince leaves out what did not change since.
func TestDossiersPaginateWithCursorAndUpdatedSince(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	base := time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)
	for n := 1; n <= 5; n++ {
		fake.Put(dossierAt(n, base.Add(time.Duration(n)*time.Hour)))
	}
	c := ds.New(fake.URL, "jeton")
	ctx := context.Background()
	var numbers []int
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 3, "5 dossiers in pages of 2 are 3 pages")
		p, err := c.Dossiers(ctx, 4242, nil, after, 2)
		require.NoError(t, err)
		for _, d := range p.Nodes {
			numbers = append(numbers, d.Number)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = *p.PageInfo.EndCursor
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5}, numbers)

	since := base.Add(4 * time.Hour) // dossier 4 changed at that very second: included
	p, err := c.Dossiers(ctx, 4242, &since, "", 100)
	require.NoError(t, err)
	require.Len(t, p.Nodes, 2)
	assert.Equal(t, 4, p.Nodes[0].Number)
	assert.Equal(t, "Accueil Rhône", *p.Nodes[0].Champs[1].StringValue)
	assert.Equal(t, base.Add(4*time.Hour), p.Nodes[0].DateDepot)
}

func TestErrorsSayWhatRetryingCanDo(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	ctx := context.Background()
	c := ds.New(fake.URL, "jeton")

	fake.Fail(1, http.StatusTooManyRequests, "17")
	_, err := c.Descriptors(ctx, 4242)
	var dsErr *ds.Error
	require.ErrorAs(t, err, &dsErr)
	assert.Equal(t, ds.KindRateLimited, dsErr.Kind)
	assert.Equal(t, 17*time.Second, dsErr.RetryAfter)

	fake.Fail(1, http.StatusBadGateway, "")
	_, err = c.Descriptors(ctx, 4242)
	assert.Equal(t, ds.KindUnavailable, ds.KindOf(err))

	_, err = ds.New(fake.URL, "mauvais").Descriptors(ctx, 4242)
	assert.Equal(t, ds.KindRefused, ds.KindOf(err))

	_, err = c.Descriptors(ctx, 9999)
	assert.Equal(t, ds.KindRefused, ds.KindOf(err), "an unknown démarche")

	descs, err := c.Descriptors(ctx, 4242)
	require.NoError(t, err, "DS answers again")
	assert.Len(t, descs, len(dstest.Descriptors()))
}

// A decision is accepted from the state DS allows it from, refused otherwise.
func TestDecisions(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	fake.Put(dossierAt(7, time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)))
	c := ds.New(fake.URL, "jeton")
	ctx := context.Background()
	ref, err := c.DossierState(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, ds.StateEnConstruction, ref.State)

	_, err = c.Accepter(ctx, ref.ID, "SW5zdHJ1Y3RldXItMQ==", "Retenu")
	assert.Equal(t, ds.KindRefused, ds.KindOf(err), "a dossier en construction cannot be accepted")
	got, err := c.PasserEnInstruction(ctx, ref.ID, "SW5zdHJ1Y3RldXItMQ==")
	require.NoError(t, err)
	assert.Equal(t, ds.StateEnInstruction, got.State)
	_, err = c.PasserEnInstruction(ctx, ref.ID, "SW5zdHJ1Y3RldXItMQ==")
	assert.Equal(t, ds.KindRefused, ds.KindOf(err), "twice")
	got, err = c.Refuser(ctx, ref.ID, "SW5zdHJ1Y3RldXItMQ==", "Hors thématique")
	require.NoError(t, err)
	assert.Equal(t, ds.StateRefuse, got.State)
	assert.Equal(t, "Hors thématique", fake.Get(7).Motivation)
}
