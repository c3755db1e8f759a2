package explorer

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func serve(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestHandlerServesBuild(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>app</title>")},
		"assets/app-1a2b.js": {Data: []byte("console.log(1)")},
		"favicon.svg":        {Data: []byte("<svg/>")},
		"README.md":          {Data: []byte("placeholder")},
	}
	h := NewHandler(fsys)

	tests := []struct {
		name, path  string
		status      int
		body, cache string
	}{
		{"root", "/explorer/", 200, "<title>app</title>", "no-cache"},
		{"client route falls back to index", "/explorer/firm/RW50ZXJwcmlzZTox", 200, "<title>app</title>", "no-cache"},
		{"hashed asset", "/explorer/assets/app-1a2b.js", 200, "console.log(1)", "public, max-age=31536000, immutable"},
		{"missing asset is 404", "/explorer/assets/gone-0000.js", 404, "", ""},
		{"plain file", "/explorer/favicon.svg", 200, "<svg/>", "public, max-age=3600"},
		{"placeholder hidden", "/explorer/README.md", 200, "<title>app</title>", "no-cache"},
		{"traversal stays inside", "/explorer/../../etc/passwd", 200, "<title>app</title>", "no-cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(t, h, http.MethodGet, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if tt.body != "" && !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body = %q, want it to contain %q", rec.Body.String(), tt.body)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy header")
			}
		})
	}

	if rec := serve(t, h, http.MethodPost, "/explorer/"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST status = %d, want 405", rec.Code)
	}
}

func TestHandlerWithoutBuildExplains(t *testing.T) {
	h := NewHandler(fstest.MapFS{"README.md": {Data: []byte("placeholder")}})
	rec := serve(t, h, http.MethodGet, "/explorer/chain/x")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "make web") {
		t.Errorf("body does not say how to build: %q", rec.Body.String())
	}
}

func TestEmbeddedHandlerCompiles(t *testing.T) {
	// Whether or not a build is embedded, the handler answers something useful.
	rec := serve(t, Handler(), http.MethodGet, "/explorer/")
	if rec.Code != http.StatusOK && rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d", rec.Code)
	}
}

func TestGraphiQLServesPage(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":    {Data: []byte("<!doctype html><title>app</title>")},
		"graphiql.html": {Data: []byte(`<!doctype html><title>chainmatch GraphiQL</title><script type="module" src="/explorer/assets/graphiql-1a2b.js"></script>`)},
	}
	h := NewGraphiQL(fsys)
	for _, target := range []string{"/", "/graphiql"} {
		rec := serve(t, h, http.MethodGet, target)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "chainmatch GraphiQL") {
			t.Fatalf("GET %s = %d %q", target, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "font-src 'self' data:;") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("CSP = %q", csp)
		}
	}
	if rec := serve(t, h, http.MethodPost, "/graphiql"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST status = %d, want 405", rec.Code)
	}
	// The page belongs at /graphiql with its CSP, not under /explorer/.
	if rec := serve(t, NewHandler(fsys), http.MethodGet, "/explorer/graphiql.html"); !strings.Contains(rec.Body.String(), "<title>app</title>") {
		t.Errorf("/explorer/graphiql.html served %q, want the explorer shell", rec.Body.String())
	}
}

func TestGraphiQLWithoutBuildExplains(t *testing.T) {
	rec := serve(t, NewGraphiQL(fstest.MapFS{"README.md": {Data: []byte("placeholder")}}), http.MethodGet, "/graphiql")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if body := rec.Body.String(); !strings.Contains(body, "GraphiQL has not been built") || !strings.Contains(body, "make web") {
		t.Errorf("body does not say how to build: %q", body)
	}
}

// pageRefs are the src and href attributes of a page's script and link tags.
var pageRefs = regexp.MustCompile(`<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"`)

// TestEmbeddedGraphiQLIsSelfContained checks the real, embedded build: no
// script or stylesheet from another origin, and every asset the page names
// is served by the explorer handler.
func TestEmbeddedGraphiQLIsSelfContained(t *testing.T) {
	rec := serve(t, GraphiQL(), http.MethodGet, "/graphiql")
	if rec.Code == http.StatusServiceUnavailable {
		// make test builds the web assets before the Go tests; a missing
		// build is a failure, never a skip.
		t.Fatal("no web build embedded: run `make web` (scripts/web.sh build) before go test")
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	page := rec.Body.String()
	refs := pageRefs.FindAllStringSubmatch(page, -1)
	if len(refs) == 0 {
		t.Fatalf("no script or stylesheet in the page: %q", page)
	}
	assets := Handler()
	var scripts int
	for _, m := range refs {
		u := m[1]
		if strings.Contains(u, "//") || !strings.HasPrefix(u, Prefix) {
			t.Errorf("page loads %q, want a path under %s on this origin", u, Prefix)
			continue
		}
		if strings.HasSuffix(u, ".js") {
			scripts++
		}
		res := serve(t, assets, http.MethodGet, u)
		if res.Code != http.StatusOK {
			t.Errorf("GET %s = %d", u, res.Code)
		}
	}
	if scripts == 0 {
		t.Errorf("no script under %sassets/ in %q", Prefix, page)
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("page names an absolute URL: %q", page)
	}
}
