package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// respondCreated answers 201 with the resource; a replayed request says so.
func respondCreated(c *gin.Context, replayed bool, location string, body any) {
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Header("Location", location)
	c.JSON(http.StatusCreated, body)
}

// sendXLSX answers a spreadsheet as a download.
func sendXLSX(c *gin.Context, name string, data []byte) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Data(http.StatusOK, xlsxContentType, data)
}
