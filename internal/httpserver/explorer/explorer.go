// Package explorer serves the chainmatch explorer, the single-page web client
// for investment-promotion staff, from assets embedded at compile time.
//
// The assets are built from web/ by scripts/web.sh (make web) into dist/.
// Without a build the package still compiles (dist/README.md is committed)
// and the handler answers a page that says how to build the explorer.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Prefix is where the explorer is mounted.
const Prefix = "/explorer/"

//go:embed all:dist
var embedded embed.FS

// Handler serves the embedded explorer. Mount it at Prefix:
//
//	mux.Handle(explorer.Prefix, explorer.Handler())
func Handler() http.Handler {
	sub, err := fs.Sub(embedded, "dist")
	if err != nil { // cannot happen: dist is embedded
		panic(err)
	}
	return NewHandler(sub)
}

// NewHandler serves the explorer build held in fsys (index.html and
// assets/ at its root). Request paths are taken relative to Prefix.
func NewHandler(fsys fs.FS) http.Handler {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return missingBuild{}
	}
	sum := sha256.Sum256(index)
	return &spa{fsys: fsys, index: index, indexETag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

type spa struct {
	fsys      fs.FS
	index     []byte
	indexETag string
}

// securityHeaders keep the page self-contained: every script, style, font
// and request goes to this origin only.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func (s *spa) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	securityHeaders(w.Header())
	rel := relPath(r.URL.Path)

	// Hashed build assets: immutable, long cache; a missing one is a 404,
	// never index.html (the browser would try to run HTML as a script).
	if strings.HasPrefix(rel, "assets/") {
		data, err := fs.ReadFile(s.fsys, rel)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, rel, time.Time{}, bytes.NewReader(data))
		return
	}

	// Other real files (favicon and the like), except the placeholder docs.
	if rel != "" && rel != "index.html" && !hidden(rel) {
		if data, err := fs.ReadFile(s.fsys, rel); err == nil {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			http.ServeContent(w, r, rel, time.Time{}, bytes.NewReader(data))
			return
		}
	}

	// Everything else is a client route: the app shell, always revalidated.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", s.indexETag)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(s.index))
}

// relPath turns /explorer/firm/x into firm/x (cleaned, no leading slash).
func relPath(p string) string {
	p = path.Clean("/" + p)
	p = strings.TrimPrefix(p, strings.TrimSuffix(Prefix, "/"))
	return strings.TrimPrefix(p, "/")
}

func hidden(rel string) bool {
	base := path.Base(rel)
	return strings.HasPrefix(base, ".") || base == "README.md"
}

// missingBuild answers every request while no build has been embedded.
type missingBuild struct{}

var missingPage = template.Must(template.New("missing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chainmatch explorer — not built</title>
<style>body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code,pre{background:#f0f3f7;padding:.1rem .3rem;border-radius:4px}pre{padding:.75rem}</style>
</head><body>
<h1>The explorer has not been built</h1>
<p>This chainmatch binary was compiled without the explorer's web assets
(探索页面尚未构建). Build them and recompile:</p>
<pre>make web        # runs scripts/web.sh: npm ci + vite build into internal/httpserver/explorer/dist
go build ./cmd/chainmatch</pre>
<p>The GraphQL API itself works without the explorer.</p>
</body></html>`))

func (missingBuild) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		_ = missingPage.Execute(w, nil)
	}
}
