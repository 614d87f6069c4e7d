package mail

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the templates")

// TestGolden renders every template of templates/ with each of its examples
// and compares the subject, text and HTML with
// testdata/NAME[.VARIANT].{subject,txt,html}.golden. `go test ./mail -update`
// rewrites the golden files; review them before committing.
func TestGolden(t *testing.T) {
	names := templateNames(t)
	require.NotEmpty(t, names, "no *.subject.tmpl in templates/")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			examples := templateExamples[name]
			if len(examples) == 0 {
				t.Fatalf("template %q has no example data: add one to templateExamples (examples_test.go), then run go test ./mail -update", name)
			}
			for _, ex := range examples {
				base := name
				if ex.variant != "" {
					base += "." + ex.variant
				}
				got, err := Render(name, ex.data)
				require.NoError(t, err, "render %s", base)
				for _, part := range []struct{ ext, text string }{
					{"subject", got.Subject},
					{"txt", got.Text},
					{"html", got.HTML},
				} {
					checkGolden(t, filepath.Join("testdata", base+"."+part.ext+".golden"), part.text)
				}
			}
		})
	}
	// An example without a template is a leftover.
	for name := range templateExamples {
		assert.Contains(t, names, name, "templateExamples has %q but templates/ has no such template", name)
	}
	if !*update {
		checkNoStrayGolden(t)
	}
}

// checkNoStrayGolden fails on a golden file no example produces (a renamed
// template, a removed variant): it would otherwise go stale unnoticed.
func checkNoStrayGolden(t *testing.T) {
	t.Helper()
	want := map[string]bool{}
	for name, examples := range templateExamples {
		for _, ex := range examples {
			base := name
			if ex.variant != "" {
				base += "." + ex.variant
			}
			for _, ext := range []string{"subject", "txt", "html"} {
				want[base+"."+ext+".golden"] = true
			}
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	require.NoError(t, err)
	for _, f := range files {
		assert.True(t, want[filepath.Base(f)], "%s matches no example: remove it", f)
	}
}

// templateNames lists the templates Render knows: every NAME.subject.tmpl embedded.
func templateNames(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(templateFS, "templates/*.subject.tmpl")
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".subject.tmpl"))
	}
	sort.Strings(names)
	return names
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Fatalf("%s is missing: run go test ./mail -update and review the new file", path)
	}
	require.NoError(t, err)
	if string(want) != got {
		t.Errorf("%s differs from the rendering (go test ./mail -update rewrites it):\n%s", path, firstDifference(string(want), got))
	}
}

// firstDifference shows the first line where want and got differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if i >= len(w) || i >= len(g) || wl != gl {
			return fmt.Sprintf("line %d\n  golden: %q\n  got:    %q", i+1, wl, gl)
		}
	}
	return "(same lines, different line endings?)"
}

// The golden files must say what a reader sees: check the facts once, by
// hand, so that a wrong golden file cannot be rewritten into acceptance.
func TestRenderCampaignPublished(t *testing.T) {
	r, err := Render(TemplateCampaignPublished, campaignPublishedExample())
	require.NoError(t, err)

	assert.Equal(t, "Appel à projets publié : Langue & emploi : intégration des étrangers primo-arrivants dans le Rhône (Rhône (69))", r.Subject)
	for _, body := range []string{r.Text, r.HTML} {
		assert.Contains(t, body, "15 janvier 2027")
		assert.Contains(t, body, "31 mai 2027")
		assert.Contains(t, body, "250\u00a0000,50\u00a0€")
		assert.Contains(t, body, "Apprentissage du français, Insertion professionnelle")
		assert.Contains(t, body, "0193f5a2-7c1e-7d3b-9a41-5be2c7d8e901")
	}
	assert.Contains(t, r.Text, "« Langue & emploi : intégration")
	assert.Contains(t, r.HTML, "« Langue &amp; emploi : intégration", "the HTML escapes the title")
	assert.NotContains(t, r.HTML, "Langue & emploi")
	assert.Contains(t, r.HTML, `<html lang="fr">`)
	assert.Contains(t, r.HTML, "il parviendra au correspondant intégration, Rhône (69).", "the layout names who receives replies")

	noReply := campaignPublishedExample()
	noReply.ReplyTo = ""
	r, err = Render(TemplateCampaignPublished, noReply)
	require.NoError(t, err)
	assert.NotContains(t, r.HTML, "répondez à ce courriel", "without Reply-To nobody is invited to reply")
}

func TestRenderUnknownTemplate(t *testing.T) {
	_, err := Render("no_such_template", campaignPublishedExample())
	assert.Error(t, err)
}

func TestRenderMissingField(t *testing.T) {
	_, err := Render(TemplateCampaignPublished, struct{ Title string }{"x"})
	assert.Error(t, err, "data without the template's fields must not render silently")
}

// Two dossiers of one association in two calls get two subjects: each names its
// call and its dossier's reference; the same dossier's subject does not change.
func TestSubjectsNameTheCallAndTheDossier(t *testing.T) {
	rhone := conventionExample(false)
	other := rhone
	other.CampaignTitle, other.DossierReference = "Accès aux droits dans le Rhône", "AAP-2027-69-0043"
	sameDossier := rhone
	sameDossier.SentAt = sameDossier.SentAt.Add(time.Hour)
	for _, name := range []string{TemplateConventionToSign, TemplateConventionSigned, TemplateConventionLapsed} {
		a, err := Render(name, rhone)
		require.NoError(t, err)
		b, err := Render(name, other)
		require.NoError(t, err)
		same, err := Render(name, sameDossier)
		require.NoError(t, err)
		assert.NotEqual(t, a.Subject, b.Subject, name)
		assert.Equal(t, a.Subject, same.Subject, name)
		assert.Contains(t, a.Subject, "AAP-2027-69-0042", name)
		assert.Contains(t, a.Subject, "« Langue & emploi dans le Rhône »", name)
		assert.Contains(t, b.Subject, "« Accès aux droits dans le Rhône »", name)
	}
	received := templateExamples[TemplateApplicationReceived][0].data.(ApplicationReceivedData)
	a, err := Render(TemplateApplicationReceived, received)
	require.NoError(t, err)
	received.CampaignTitle = "Accès aux droits dans le Rhône"
	b, err := Render(TemplateApplicationReceived, received)
	require.NoError(t, err)
	assert.NotEqual(t, a.Subject, b.Subject, "same dossier title, another call")
	assert.Equal(t, "Accusé de réception du dossier AAP-2027-69-0042 : Ateliers de français à visée professionnelle (appel « Langue & emploi dans le Rhône »)", a.Subject)
}
