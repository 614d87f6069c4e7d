package textinput_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/textinput"
)

func TestCheckRefusesControlCharactersAndInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, field, text string
		want              string // the rule, "" when accepted
	}{
		{"plain French text", "name", "Accueil Rhône — « intégration » 12 500 €", ""},
		{"empty", "name", "", ""},
		{"space U+0020, the first character after C0", "name", "a b", ""},
		{"tilde U+007E, just before DEL", "name", "a~b", ""},
		{"U+00A0, just after C1", "name", "a\u00a0b", ""},
		{"U+FFFD sent as such", "name", "a\ufffdb", ""},
		{"NUL", "name", "a\x00b", textinput.RuleControlCharacter},
		{"U+001F, the last of C0", "name", "a\x1fb", textinput.RuleControlCharacter},
		{"DEL", "name", "a\x7fb", textinput.RuleControlCharacter},
		{"U+0080, the first of C1", "name", "a\u0080b", textinput.RuleControlCharacter},
		{"U+009F, the last of C1", "name", "a\u009fb", textinput.RuleControlCharacter},
		{"a lone continuation byte", "name", "a\x80b", textinput.RuleInvalidUTF8},
		{"a truncated sequence", "name", "caf\xc3", textinput.RuleInvalidUTF8},
		{"tab in a short text", "name", "a\tb", textinput.RuleControlCharacter},
		{"newline in a short text", "signed_by", "Marie\nCurie", textinput.RuleControlCharacter},
		{"tab and newlines in a long text", "project.description", "Ateliers :\n\t- français\r\n\t- emploi", ""},
		{"a lone CR in a long text", "reason", "motif\rsuite", textinput.RuleControlCharacter},
		{"CR at the very end of a long text", "reason", "motif\r", textinput.RuleControlCharacter},
		{"NUL in a long text", "decisions[2].motivation", "bon\x00projet", textinput.RuleControlCharacter},
		{"vertical tab in a long text", "note", "a\vb", textinput.RuleControlCharacter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := textinput.Check(tc.field, tc.text)
			if tc.want == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			assert.Equal(t, tc.want, r.Rule)
			assert.Equal(t, tc.field, r.Field)
			assert.NotEmpty(t, r.Message)
		})
	}
}

func TestCheckMessageSaysWhichCharacter(t *testing.T) {
	r := textinput.Check("name", "ab\x00")
	require.NotNil(t, r)
	assert.Equal(t, "caractère de contrôle interdit (U+0000, 3e caractère)", r.Message)
}

// The long texts are declared once; each is recognised whatever its place in a body.
func TestLongTexts(t *testing.T) {
	for _, field := range []string{"agir_articulation", "project.description", "decisions[0].double_funding_justification",
		"findings", "decisions[3].reason", "note", "bilan[1].objectives.qualitative", "bilan[0].objectives.quantitative", "reason",
		"project.public", "project.public_check", "motivation", "indicateurs", "criteres", "calendar_justification", "objectives_justification", "ds_mapping"} {
		assert.True(t, textinput.IsLong(field), field)
	}
	for _, field := range []string{"title", "association.name", "signed_by", "controller", "purpose", "descriptions", "id", "action"} {
		assert.False(t, textinput.IsLong(field), field)
	}
	assert.Len(t, textinput.LongTexts, 16, "a new long text is declared here and in the README")
}

func TestCheckJSONNamesEachFieldByItsPath(t *testing.T) {
	body := `{"association": {"name": "Accueil\u0000", "email": "a@b.fr"},
	  "project": {"title": "ok", "description": "ligne 1\nligne 2\tfin"},
	  "decisions": [{"motivation": "ok"}, {"motivation": "ok"}, {"motivation": "x\u0085y", "tranches": [1, "a\u007f"]}],
	  "k\u0001": true, "n": 12, "b": null}`
	got := textinput.CheckJSON([]byte(body))
	fields := make([]string, len(got))
	for i, r := range got {
		fields[i] = r.Field + " " + r.Rule
	}
	assert.Equal(t, []string{
		"association.name control_character",
		"decisions[2].motivation control_character",
		"decisions[2].tranches[1] control_character",
		"k\x01 control_character",
	}, fields)
}

func TestCheckJSONFindsInvalidUTF8OnTheRawBytes(t *testing.T) {
	body := []byte("{\"project\": {\"title\": \"ok\", \"theme\": \"langue\"}, \"signed_by\": \"Marie \xff Curie\"}")
	got := textinput.CheckJSON(body)
	require.Len(t, got, 1)
	assert.Equal(t, textinput.Refusal{Field: "signed_by", Rule: textinput.RuleInvalidUTF8, Message: got[0].Message}, got[0])

	assert.Empty(t, textinput.CheckJSON([]byte(`{"a": ["é", {"note": "\t"}], "description": "x\r\ny"}`)), "clean: nothing refused")
	assert.Empty(t, textinput.CheckJSON([]byte(`{"a": "b"`)), "a syntax error is the decoder's to report")
}

func TestMiddlewareChecksPathQueryAndForm(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	var refused []textinput.Refusal
	reached := false
	r.Use(textinput.Middleware(func(c *gin.Context, rs []textinput.Refusal) {
		refused = rs
		c.String(http.StatusUnprocessableEntity, "refusé")
	}))
	r.Any("/items/:id", func(c *gin.Context) { reached = true })
	for _, tc := range []struct {
		name, method, target, form string
		want                       []string
	}{
		{"clean", http.MethodGet, "/items/abc?purpose=relance&x=%C3%A9", "", nil},
		{"NUL in the path", http.MethodGet, "/items/a%00b", "", []string{"id control_character"}},
		{"C1 in the path", http.MethodGet, "/items/a%C2%85", "", []string{"id control_character"}},
		{"invalid UTF-8 in the path", http.MethodGet, "/items/a%FF", "", []string{"id invalid_utf8"}},
		{"NUL in a query parameter", http.MethodGet, "/items/a?purpose=%00", "", []string{"purpose control_character"}},
		{"a newline in a long query parameter", http.MethodGet, "/items/a?reason=a%0Ab", "", nil},
		{"NUL in a form field", http.MethodPost, "/items/a", "signed_by=Marie%00", []string{"signed_by control_character"}},
		{"newlines in a long form field", http.MethodPost, "/items/a", "reason=l1%0D%0Al2", nil},
		{"invalid UTF-8 in a form field", http.MethodPost, "/items/a", "signed_by=%FE", []string{"signed_by invalid_utf8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused, reached = nil, false
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.form))
			if tc.form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			var got []string
			for _, x := range refused {
				got = append(got, x.Field+" "+x.Rule)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want == nil, reached, "the handler runs only for a clean request")
			if tc.want != nil {
				assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
			}
		})
	}
}
