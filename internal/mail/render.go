// Package mail renders the engine's French emails from template files and
// delivers them exactly once through an outbox table and SMTP (go-mail).
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/dian-p104/aap/internal/french"
)

// Each template NAME has NAME.subject.tmpl, NAME.txt.tmpl and NAME.html.tmpl under templates/.
// Its name (a TemplateXxx constant) and the type of the data it renders are declared together,
// by concept, in the *_data.go files.

//go:embed templates/*.tmpl
var templateFS embed.FS

// Rendered is an email's subject and its two alternative bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

var funcs = map[string]any{
	"date":     french.Date,
	"datetime": french.DateTime,
	"euros":    french.Euros,
	"join":     strings.Join,
}

// Render fills the named template with data.
func Render(name string, data any) (Rendered, error) {
	subject, err := renderText(name+".subject.tmpl", data)
	if err != nil {
		return Rendered{}, err
	}
	text, err := renderText(name+".txt.tmpl", data)
	if err != nil {
		return Rendered{}, err
	}
	html, err := htmltemplate.New(name+".html.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/layout.html.tmpl", "templates/"+name+".html.tmpl")
	if err != nil {
		return Rendered{}, fmt.Errorf("parse %s: %w", name, err)
	}
	var htmlBuf bytes.Buffer
	if err := html.Execute(&htmlBuf, data); err != nil {
		return Rendered{}, fmt.Errorf("render %s.html: %w", name, err)
	}
	return Rendered{Subject: strings.TrimSpace(subject), Text: text, HTML: htmlBuf.String()}, nil
}

func renderText(file string, data any) (string, error) {
	t, err := texttemplate.New(file).Funcs(funcs).ParseFS(templateFS, "templates/"+file)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", file, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render %s: %w", file, err)
	}
	return buf.String(), nil
}
