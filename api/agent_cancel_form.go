package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

var cancelFormPage = agentPage("agent_cancel.html")

// cancelForm asks for the reason of a call's cancellation.
type cancelForm struct {
	web.Chrome
	CSRF    string
	Call    *models.Campaign
	Reason  formField
	Message string
}

func (f agentForms) cancelForm(c *gin.Context) {
	camp, ok := f.managedCall(c)
	if !ok {
		return
	}
	f.renderCancel(c, http.StatusOK, camp, "", "", "")
}

// cancelCall answers POST /campagnes/:id/annulation: the call is cancelled through its
// workflow (every porteur de projet is told), or the form says why not, nothing changed.
func (f agentForms) cancelCall(c *gin.Context) {
	camp, ok := f.managedCall(c)
	if !ok {
		return
	}
	reason := c.PostForm("reason")
	_, err := f.campaigns.Cancel(c.Request.Context(), camp.ID, CancelRequest{Reason: reason}, f.conventions)
	if fields, isField := problemFields(err); isField {
		byField := fieldErrors{}
		for _, e := range fields {
			byField.add(e.Field, e.Message)
		}
		f.renderCancel(c, http.StatusUnprocessableEntity, camp, reason, byField["reason"], "")
		return
	}
	var p *Problem
	if err != nil && asProblem(err, &p) && p.Status == http.StatusConflict {
		f.renderCancel(c, http.StatusConflict, camp, reason, "", p.Message)
		return
	}
	if err != nil {
		f.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, web.CallPath(camp.ID)+"?annulation=1")
}

func (f agentForms) renderCancel(c *gin.Context, status int, camp *models.Campaign, reason, reasonError, message string) {
	page := cancelForm{Chrome: f.kit.Chrome(c, "Annuler l'appel", web.Crumb{Label: "Appels à projets", Href: web.PathCalls},
		web.Crumb{Label: camp.Title, Href: web.CallPath(camp.ID)}, web.Crumb{Label: "Annuler l'appel"}),
		Call: camp, Message: message,
		Reason: formField{Kind: "textarea", ID: "reason", Name: "reason", Label: "Motif de l'annulation",
			Hint: "5 à 2 000 caractères ; chaque porteur de projet le reçoit par courriel.", Value: reason, Error: reasonError,
			MaxLength: 2000, Required: true}}
	var err error
	if page.CSRF, err = f.kit.CSRF(c, "/campagnes/"+camp.ID+"/annulation"); err != nil {
		f.fail(c, err)
		return
	}
	web.Render(c, status, cancelFormPage, page)
}
