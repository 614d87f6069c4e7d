package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// attachmentHandlers let an agent read a dossier's attachments (filed online):
// GET /api/v1/applications/{id}/attachments lists them without their content,
// GET …/attachments/{kind} downloads one as it was stored.
type attachmentHandlers struct{ applications *store.Applications }

func (h attachmentHandlers) list(c *gin.Context) {
	a, err := findByID(c.Request.Context(), c.Param("id"), h.applications.Get)
	if err != nil {
		respondError(c, err)
		return
	}
	items, err := h.applications.Attachments(c.Request.Context(), a.ID)
	if err != nil {
		respondError(c, err)
		return
	}
	if items == nil {
		items = []models.Attachment{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (h attachmentHandlers) download(c *gin.Context) {
	a, err := findByID(c.Request.Context(), c.Param("id"), h.applications.Get)
	if err != nil {
		respondError(c, err)
		return
	}
	att, err := h.applications.Attachment(c.Request.Context(), a.ID, c.Param("kind"))
	if errors.Is(err, store.ErrNotFound) {
		respondError(c, errNotFound)
		return
	} else if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.FileName}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Digest", "sha-256="+att.SHA256)
	c.Data(http.StatusOK, att.ContentType, att.Content)
}

func registerAttachments(v1 *gin.RouterGroup, applications *store.Applications) {
	h := attachmentHandlers{applications: applications}
	v1.GET("/applications/:id/attachments", h.list)
	v1.GET("/applications/:id/attachments/:kind", h.download)
}
