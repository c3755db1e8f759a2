package explorer

import (
	"net/http"
	"net/http/httptest"
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
