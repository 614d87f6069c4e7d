package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/textinput"
)

// idempotencyKey reads the optional Idempotency-Key header.
func idempotencyKey(c *gin.Context) (string, error) {
	key := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	// The key is stored: refused at the door as any text (HTTP lets bytes over 0x7F through).
	if r := textinput.Check("Idempotency-Key", key); r != nil {
		return "", refusedText([]textinput.Refusal{*r})
	}
	if len(key) > 200 {
		return "", ValidationProblem([]FieldError{{Field: "Idempotency-Key", Rule: "max_length", Message: "au plus 200 caractères"}})
	}
	return key, nil
}

// hashBody fingerprints a request: a replay with the same key and another body is refused.
func hashBody(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
