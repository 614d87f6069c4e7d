package api

import (
	"html/template"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// agentFuncs are the functions of the agents' forms' templates.
var agentFuncs = template.FuncMap{
	"euros":      french.Euros,
	"datetime":   french.DateTime,
	"themeLabel": models.ThemeLabel,
	"csrfField":  func() string { return web.CSRFField },
}

// agentPage parses one of the agents' forms (pages/agent_*.html) with their shared fields (pages/agent_fields.tmpl).
func agentPage(name string) *template.Template {
	fields, err := publicPagesFS.ReadFile("pages/agent_fields.tmpl")
	if err != nil {
		panic(err)
	}
	content, err := publicPagesFS.ReadFile("pages/" + name)
	if err != nil {
		panic(err)
	}
	return web.NewPage(name, agentFuncs, string(fields)+string(content))
}
