package api

import (
	"crypto/rand"
	"encoding/base64"
	"hash/fnv"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
)

// The filing form has no account behind it. What keeps abuse out:
//   - a form token (double submit): a random value in a cookie (HttpOnly, SameSite=Strict)
//     and, in the form, that value and the call signed with AAP_LINK_SECRET (HMAC-SHA256,
//     auth.LinkSigner) for formTokenTTL; a POST whose token is missing, forged, expired, or
//     not its cookie's is refused (403), nothing read;
//   - a honeypot field no person sees (hidden by aap.css): filled, the dossier is refused;
//   - filingsPerMinute submissions a minute per client address (the connection's peer:
//     behind a proxy, all its clients share it), then 429 with Retry-After;
//   - the body at most maxFilingBody (4 attachments of 10 Mo and the text), files beyond
//     filingMemory spilled to temporary files and removed after the request.
const (
	formTokenCookie  = "aap_depot"
	formTokenField   = "jeton_formulaire"
	formTokenAction  = "filing-form"
	formTokenTTL     = 4 * time.Hour
	honeypotField    = "site_internet"
	filingsPerMinute = 10
	maxFilingBody    = 45 << 20
	filingMemory     = 8 << 20
)

// filingGuard issues and checks the form tokens and counts submissions per address.
type filingGuard struct {
	links   *auth.LinkSigner
	limiter *auth.RateLimiter
	now     func() time.Time
}

// issue returns the form's token for the call, setting the browser's cookie when it has none.
func (g filingGuard) issue(c *gin.Context, campaignID string) (string, error) {
	nonce, err := c.Cookie(formTokenCookie)
	if err != nil || len(nonce) != 22 {
		raw := make([]byte, 16)
		if _, err := rand.Read(raw); err != nil {
			return "", err
		}
		nonce = base64.RawURLEncoding.EncodeToString(raw)
		http.SetCookie(c.Writer, &http.Cookie{Name: formTokenCookie, Value: nonce, Path: PathCalls, MaxAge: int((24 * time.Hour).Seconds()),
			HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	}
	return g.links.Sign(formTokenAction, campaignID+"/"+nonce, g.now().Add(formTokenTTL))
}

// check reports whether the submitted token is this browser's for this call, and not expired.
func (g filingGuard) check(c *gin.Context, campaignID, token string) bool {
	nonce, err := c.Cookie(formTokenCookie)
	if err != nil || nonce == "" {
		return false
	}
	l, err := g.links.Verify(token, g.now())
	return err == nil && l.Action == formTokenAction && l.Item == campaignID+"/"+nonce
}

// allow takes one submission from the client address's budget.
func (g filingGuard) allow(c *gin.Context) (bool, time.Duration) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(c.RemoteIP()))
	return g.limiter.Allow(h.Sum64(), g.now())
}
