package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
)

type emailHandlers struct{ emails *store.Emails }

// list answers GET /api/v1/emails?recipient=&campaign=&purpose=: what was sent,
// when, its delivery state and attempts.
func (h emailHandlers) list(c *gin.Context) {
	v := &validation{}
	limit, offset := pageParams(c, v)
	f := store.EmailFilter{
		Recipient:  strings.TrimSpace(c.Query("recipient")),
		CampaignID: strings.TrimSpace(c.Query("campaign")),
		Purpose:    strings.TrimSpace(c.Query("purpose")),
		Scope:      readScope(c),
		Limit:      limit, Offset: offset,
	}
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	items, total, err := h.emails.List(c.Request.Context(), f)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": offset/limit + 1, "page_size": limit})
}
