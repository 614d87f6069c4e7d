package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
)

type auditHandlers struct{ audit *store.Audit }

// list answers GET /api/v1/audit?entity=&entity_id=&actor=&from=&to= (DIAN only):
// the changes, newest first; from and to are dates (Europe/Paris) or RFC 3339 instants.
func (h auditHandlers) list(c *gin.Context) {
	f, v := auditFilter(c)
	limit, offset := f.Limit, f.Offset
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	items, total, err := h.audit.List(c.Request.Context(), f)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": offset/limit + 1, "page_size": limit})
}

// auditFilter reads the trail's filters and page from the query: the API's and the audit page's.
func auditFilter(c *gin.Context) (store.AuditFilter, *validation) {
	v := &validation{}
	limit, offset := pageParams(c, v)
	f := store.AuditFilter{Entity: strings.TrimSpace(c.Query("entity")), EntityID: strings.TrimSpace(c.Query("entity_id")),
		Actor: strings.TrimSpace(c.Query("actor")), Limit: limit, Offset: offset}
	f.From = auditBound(v, "from", c.Query("from"), false)
	f.To = auditBound(v, "to", c.Query("to"), true)
	return f, v
}

// auditBound reads a date (the whole Paris day: "to" ends at the next midnight) or an instant.
func auditBound(v *validation, field, s string, end bool) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	d, err := time.ParseInLocation("2006-01-02", s, french.Paris)
	if err != nil {
		v.add(field, "date", "date attendue au format AAAA-MM-JJ (ou un instant RFC 3339)")
		return time.Time{}
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
