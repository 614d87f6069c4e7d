package mailcatcher

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html
var templateFS embed.FS

// webPages holds the parsed templates of one Register call.
type webPages struct {
	c     *Catcher
	base  string // absolute URL path of the list page
	pages map[string]*template.Template
}

// Register adds the French web pages to a gin router group:
//
//	GET {prefix}                           list of caught messages, newest first
//	GET {prefix}/:id                       one message (headers, text part, HTML part in a sandboxed iframe, attachments)
//	GET {prefix}/:id/raw                   the raw .eml (text/plain; charset=utf-8)
//	GET {prefix}/:id/attachments/:index    one attachment (0-based index), downloaded with its content type
//
// It panics if the embedded templates are invalid (a programming error).
func (c *Catcher) Register(r gin.IRouter, prefix string) {
	prefix = "/" + strings.Trim(prefix, "/")
	if prefix == "/" {
		prefix = ""
	}
	base := prefix
	if g, ok := r.(interface{ BasePath() string }); ok {
		base = path.Join(g.BasePath(), prefix)
	}
	if base == "" {
		base = "/"
	}
	w := &webPages{c: c, base: base, pages: make(map[string]*template.Template)}
	for _, page := range []string{"list.html", "message.html", "error.html"} {
		t := template.New(page).Funcs(template.FuncMap{
			"date":   formatDate,
			"size":   formatSize,
			"join":   strings.Join,
			"link":   w.link,
			"plural": plural,
		})
		w.pages[page] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/"+page))
	}

	listPath := prefix
	if listPath == "" {
		listPath = "/"
	}
	r.GET(listPath, w.list)
	r.GET(prefix+"/:id", w.message)
	r.GET(prefix+"/:id/raw", w.raw)
	r.GET(prefix+"/:id/attachments/:index", w.attachment)
}

// link builds an absolute URL path below the list page; elements are
// path-escaped.
func (w *webPages) link(elems ...string) string {
	out := strings.TrimSuffix(w.base, "/")
	for _, e := range elems {
		out += "/" + urlPart(e)
	}
	if out == "" {
		return "/"
	}
	return out
}

func urlPart(s string) string {
	return url.PathEscape(s)
}

type listData struct {
	Title    string
	Messages []Summary
}

type headerLine struct{ Name, Value string }

type messageData struct {
	Title   string
	Msg     *Message
	From    string // decoded From header
	To      string // decoded To header
	Cc      string // decoded Cc header
	Date    string // Date header
	Headers []headerLine
}

type errorData struct {
	Title   string
	Message string
}

func (w *webPages) list(ctx *gin.Context) {
	msgs, err := w.c.List()
	if err != nil {
		w.c.logger.Error("cannot list the messages", "error", err)
		w.error(ctx, http.StatusInternalServerError, "Erreur interne", "La liste des courriels capturés n'a pas pu être lue.")
		return
	}
	w.render(ctx, http.StatusOK, "list.html", listData{Title: "Courriels capturés", Messages: msgs})
}

// load fetches the message of the :id parameter, answering the error page
// itself when it fails.
func (w *webPages) load(ctx *gin.Context) (*Message, bool) {
	msg, err := w.c.Get(ctx.Param("id"))
	if errors.Is(err, ErrNotFound) {
		w.error(ctx, http.StatusNotFound, "Courriel introuvable", "Aucun courriel capturé ne correspond à cet identifiant.")
		return nil, false
	}
	if err != nil {
		w.c.logger.Error("unreadable message", "id", ctx.Param("id"), "error", err)
		w.error(ctx, http.StatusInternalServerError, "Erreur interne", "Ce courriel n'a pas pu être lu.")
		return nil, false
	}
	return msg, true
}

func (w *webPages) message(ctx *gin.Context) {
	msg, ok := w.load(ctx)
	if !ok {
		return
	}
	title := msg.Subject
	if title == "" {
		title = "(sans objet)"
	}
	d := messageData{
		Title: title,
		Msg:   msg,
		From:  decodeHeader(msg.Header.Get("From")),
		To:    decodeHeader(msg.Header.Get("To")),
		Cc:    decodeHeader(msg.Header.Get("Cc")),
		Date:  msg.Header.Get("Date"),
	}
	keys := make([]string, 0, len(msg.Header))
	for k := range msg.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range msg.Header[k] {
			d.Headers = append(d.Headers, headerLine{Name: k, Value: decodeHeader(v)})
		}
	}
	w.render(ctx, http.StatusOK, "message.html", d)
}

func (w *webPages) raw(ctx *gin.Context) {
	msg, ok := w.load(ctx)
	if !ok {
		return
	}
	setSecurityHeaders(ctx)
	ctx.Header("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": msg.ID + emlExt}))
	ctx.Data(http.StatusOK, "text/plain; charset=utf-8", msg.Raw)
}

func (w *webPages) attachment(ctx *gin.Context) {
	msg, ok := w.load(ctx)
	if !ok {
		return
	}
	i, err := strconv.Atoi(ctx.Param("index"))
	if err != nil || i < 0 || i >= len(msg.Attachments) {
		w.error(ctx, http.StatusNotFound, "Pièce jointe introuvable", "Ce courriel n'a pas de pièce jointe à cet emplacement.")
		return
	}
	a := msg.Attachments[i]
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	setSecurityHeaders(ctx)
	// Always downloaded, never rendered on this origin (an HTML attachment
	// must not run in the engine's pages).
	ctx.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	ctx.Data(http.StatusOK, ct, a.Content)
}

func (w *webPages) error(ctx *gin.Context, status int, title, message string) {
	w.render(ctx, status, "error.html", errorData{Title: title, Message: message})
}

func (w *webPages) render(ctx *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := w.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		w.c.logger.Error("cannot render the page", "page", page, "error", err)
		ctx.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Erreur interne : la page n'a pas pu être affichée.\n"))
		return
	}
	setSecurityHeaders(ctx)
	// No script anywhere; the HTML part of a message is shown in a sandboxed
	// srcdoc iframe, which inherits this policy as well.
	ctx.Header("Content-Security-Policy", "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")
	ctx.Header("Cache-Control", "no-store")
	ctx.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func setSecurityHeaders(ctx *gin.Context) {
	ctx.Header("X-Content-Type-Options", "nosniff")
	ctx.Header("Referrer-Policy", "no-referrer")
}

// formatDate formats a time in French style, in local time.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("02/01/2006 15:04:05")
}

// formatSize formats a byte count with French units and decimal comma.
func formatSize(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d octet%s", n, plural(n))
	case n < 1024*1024:
		return strings.Replace(fmt.Sprintf("%.1f Kio", float64(n)/1024), ".", ",", 1)
	default:
		return strings.Replace(fmt.Sprintf("%.1f Mio", float64(n)/(1024*1024)), ".", ",", 1)
	}
}

// plural returns "s" when n calls for a French plural (n >= 2).
func plural(n int) string {
	if n >= 2 {
		return "s"
	}
	return ""
}
