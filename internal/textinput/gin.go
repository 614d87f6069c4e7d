package textinput

import (
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Middleware refuses a request whose path parameters, query parameters or
// form body (application/x-www-form-urlencoded) hold a text Check refuses:
// refuse answers it (the API's 422, a page's French 422) and the handler
// never runs. JSON bodies are checked by the API's one decoder (CheckJSON).
func Middleware(refuse func(c *gin.Context, refusals []Refusal)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if rs := CheckRequest(c); len(rs) > 0 {
			refuse(c, rs)
			c.Abort()
			return
		}
		c.Next()
	}
}

// CheckRequest checks the request's path parameters (named by the route's
// parameter, "id"), its query parameters and its form body (by their names).
func CheckRequest(c *gin.Context) []Refusal {
	var out []Refusal
	add := func(field, s string) {
		if r := Check(field, s); r != nil {
			out = append(out, *r)
		}
	}
	for _, p := range c.Params {
		add(p.Key, p.Value)
	}
	addValues := func(values map[string][]string) {
		for name, vs := range values {
			if Check(name, name) != nil {
				// The name itself is poison: report it without echoing it.
				out = append(out, Refusal{Field: "?", Rule: RuleControlCharacter,
					Message: "nom de paramètre contenant un caractère de contrôle ou mal encodé"})
				continue
			}
			for _, v := range vs {
				add(name, v)
			}
		}
	}
	addValues(c.Request.URL.Query())
	if isForm(c.Request) && c.Request.ParseForm() == nil {
		addValues(c.Request.PostForm)
	}
	sortRefusals(out)
	return out
}

// isForm reports a request carrying an URL-encoded form body.
func isForm(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && ct == "application/x-www-form-urlencoded"
}
