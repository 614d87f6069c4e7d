package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFS holds the vendored Système de design de l'État (static/dsfr, refreshed
// from the pinned npm package by static/refresh-dsfr.sh) and the pages' own
// stylesheet. `aap dev` needs nothing of npm: the files are in the binary.
//
//go:embed static/aap.css static/dsfr
var staticFS embed.FS

// DSFRVersion is the vendored DSFR's version (static/dsfr/VERSION).
var DSFRVersion = strings.TrimSpace(mustRead("static/dsfr/VERSION"))

// assetVersions make each stylesheet's address change with its content, so the
// files can be cached for a year: the DSFR's version, the hash of our own CSS.
var assetVersions = map[string]string{
	"dsfr/dsfr.min.css": DSFRVersion,
	"aap.css":           contentHash("static/aap.css"),
}

func mustRead(name string) string {
	b, err := staticFS.ReadFile(name)
	if err != nil {
		panic("web: " + name + " is not embedded: " + err.Error())
	}
	return string(b)
}

func contentHash(name string) string {
	sum := sha256.Sum256([]byte(mustRead(name)))
	return hex.EncodeToString(sum[:6])
}

// asset is the address of a static file, versioned when its content can change.
func asset(name string) string {
	if v := assetVersions[name]; v != "" {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

// staticTypes are the types of the files served (the system's MIME table may lack woff2).
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff",
	".png": "image/png", ".ico": "image/x-icon", ".md": "text/markdown; charset=utf-8",
}

// serveStatic serves one embedded file under /static/, cached for a year (the
// pages address the stylesheets with their version); no directory listing.
func serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("file")), "/")
	typ, known := staticTypes[path.Ext(name)]
	data, err := fs.ReadFile(staticFS, "static/"+name)
	if !known || err != nil || strings.HasSuffix(name, ".sh") {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("Fichier introuvable."))
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, typ, data)
}
