// Package explorer serves the chainmatch explorer, the single-page web client
// for investment-promotion staff, and the GraphiQL IDE from assets embedded
// at compile time, so neither needs the internet.
//
// The assets are built from web/ by scripts/web.sh (make web) into dist/:
// index.html (the explorer), graphiql.html and the shared assets/ that both
// load from /explorer/assets/. Without a build the package still compiles
// (dist/README.md is committed) and the handlers answer a page that says how
// to build the assets.
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
func Handler() http.Handler { return NewHandler(dist()) }

// GraphiQL serves the embedded GraphiQL page at whatever path it is mounted
// on (/ and /graphiql). The page's scripts, styles and Monaco workers load
// from Prefix+"assets/", so Handler must be mounted too.
func GraphiQL() http.Handler { return NewGraphiQL(dist()) }

func dist() fs.FS {
	sub, err := fs.Sub(embedded, "dist")
	if err != nil { // cannot happen: dist is embedded
		panic(err)
	}
	return sub
}

// NewHandler serves the explorer build held in fsys (index.html and
// assets/ at its root). Request paths are taken relative to Prefix.
func NewHandler(fsys fs.FS) http.Handler {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return missingBuild{what: "explorer", csp: explorerCSP}
	}
	return &spa{fsys: fsys, index: index, indexETag: etag(index)}
}

// graphiQLPage is GraphiQL's entry in the build.
const graphiQLPage = "graphiql.html"

// NewGraphiQL serves graphiql.html from the build held in fsys.
func NewGraphiQL(fsys fs.FS) http.Handler {
	page, err := fs.ReadFile(fsys, graphiQLPage)
	if err != nil {
		return missingBuild{what: "GraphiQL", csp: graphiQLCSP}
	}
	return &graphiQL{page: page, etag: etag(page)}
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

type spa struct {
	fsys      fs.FS
	index     []byte
	indexETag string
}

// The pages are self-contained: every script, style, font and request goes
// to this origin only. No 'unsafe-eval' and no blob: workers: Monaco's
// workers are module scripts under assets/ (worker-src falls back to
// script-src 'self'); inline styles are allowed because lit-html, Cytoscape
// and Monaco set them at run time.
const (
	explorerCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
	// graphiQLCSP differs in font-src only: GraphiQL's stylesheet carries its
	// fonts (Roboto, Fira Code, Monaco's codicons) as data: URIs.
	graphiQLCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

func securityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// allowRead answers 405 to anything but GET and HEAD.
func allowRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func (s *spa) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	securityHeaders(w.Header(), explorerCSP)
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

// hidden files are not served as files: dotfiles, the placeholder docs and
// GraphiQL's page, which belongs at /graphiql with its own CSP.
func hidden(rel string) bool {
	base := path.Base(rel)
	return strings.HasPrefix(base, ".") || base == "README.md" || rel == graphiQLPage
}

// graphiQL serves the GraphiQL page; its assets are the explorer's.
type graphiQL struct {
	page []byte
	etag string
}

func (g *graphiQL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	securityHeaders(w.Header(), graphiQLCSP)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", g.etag)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, graphiQLPage, time.Time{}, bytes.NewReader(g.page))
}

// missingBuild answers every request while no build has been embedded.
type missingBuild struct {
	what string // "explorer" or "GraphiQL"
	csp  string
}

var missingPage = template.Must(template.New("missing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chainmatch {{.}} — not built</title>
<style>body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code,pre{background:#f0f3f7;padding:.1rem .3rem;border-radius:4px}pre{padding:.75rem}</style>
</head><body>
<h1>The {{.}} has not been built</h1>
<p>This chainmatch binary was compiled without the web assets of the
explorer and GraphiQL (页面尚未构建). Both are bundled, so they work without
internet once built. Build them and recompile:</p>
<pre>make web        # runs scripts/web.sh: npm ci + vite build into internal/httpserver/explorer/dist
go build ./cmd/chainmatch</pre>
<p>The GraphQL API itself works without them, for example:</p>
<pre>curl -s localhost:8080/graphql -H 'Content-Type: application/json' \
  -d '{"query":"{ search(text: \"光伏\") { node { __typename id } } }"}'</pre>
</body></html>`))

func (m missingBuild) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header(), m.csp)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		_ = missingPage.Execute(w, m.what)
	}
}
