package web

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ServiceName is the service's name in every page's header (the DSFR's bloc-marque beside it).
const ServiceName = "Appels à projets — intégration des étrangers primo-arrivants"

// Chrome is what the shared layout (templates/layout.html) shows around a page:
// the DSFR header with the bloc-marque « République française » and the service
// name, the skip links, the breadcrumb, <main id="contenu"> and the footer with
// the accessibility status, the legal notice, the personal-data notice and the
// contact. Every page's data embeds it.
type Chrome struct {
	Title string
	// Breadcrumb leads to the page (the page itself last, without Href); empty: none.
	Breadcrumb []Crumb
	// Home is where the service name links to ("" for an association's page: no link).
	Home string
	// Agent shows the dashboard's navigation: its pages, who is signed in and the sign-out.
	Agent bool
	// Viewer is who is signed in ("" on the sign-in page); SignOutCSRF the sign-out form's token.
	Viewer      string
	SignOutCSRF string
	// DevMail links the dev mail catcher's pages (`aap dev` only).
	DevMail bool
	// DIAN shows DIAN's own pages in the navigation (the audit trail).
	DIAN bool
}

// Crumb is one step of a breadcrumb.
type Crumb struct{ Label, Href string }

// Field is one DSFR text field (fr-input-group) with its label, hint and, when
// refused, its error state: the message is tied to the input (aria-describedby).
type Field struct {
	ID, Label, Hint, Value, Error string
	// Type is the input's type ("text" when empty).
	Type         string
	InputMode    string
	Autocomplete string
	MinLength    int
	MaxLength    int
	Required     bool
}

// InputType is the field's type, "text" by default.
func (f Field) InputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// ErrorID is the id of the field's error message.
func (f Field) ErrorID() string { return "erreur-" + f.ID }

// layoutFuncs are the layout's own functions, added to every page's.
var layoutFuncs = template.FuncMap{
	"asset":       asset,
	"serviceName": func() string { return ServiceName },
	"dsfrVersion": func() string { return DSFRVersion },
}

// NewPage parses a page: the shared layout, the form components, and content
// (which defines "content"). funcs may be nil.
func NewPage(name string, funcs template.FuncMap, content string) *template.Template {
	t := template.New(name).Funcs(layoutFuncs).Funcs(funcs)
	t = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/components.html"))
	return template.Must(t.Parse(content))
}

// parsePage is NewPage for a page of this package's templates.
func parsePage(name string, funcs template.FuncMap) *template.Template {
	t := template.New(name).Funcs(layoutFuncs).Funcs(funcs)
	return template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/components.html", "templates/"+name))
}

// Render writes the page t with data (which embeds Chrome), or a bare French
// error when the template fails (reported through c.Error, which the access log shows).
func Render(c *gin.Context, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		_ = c.Error(err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Erreur interne ; l'incident est journalisé."))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
