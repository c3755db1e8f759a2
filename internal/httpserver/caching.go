package httpserver

import "net/http"

// anonymousMaxAge is how long a browser or client may reuse an anonymous
// GET answer: short, since the graph changes through the API.
const anonymousMaxAge = "10"

// cachePolicy sets the caching headers of /graphql. Answers depend on the
// caller (Authorization), the language of match reasons (Accept-Language),
// the media type (Accept) and CORS (Origin, which rs/cors adds), so Vary
// names them. An anonymous GET may be kept briefly by the client only
// (private: shared caches would mix callers' rate limits and request ids);
// anything with a credential, and every POST, is no-store.
func cachePolicy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Accept, Authorization, Accept-Language")
		if r.Method == http.MethodGet && r.Header.Get("Authorization") == "" {
			h.Set("Cache-Control", "private, max-age="+anonymousMaxAge)
		} else {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(&noStoreOnError{ResponseWriter: w}, r)
	})
}

// noStoreOnError keeps error statuses out of caches.
type noStoreOnError struct {
	http.ResponseWriter
	wrote bool
}

func (n *noStoreOnError) WriteHeader(code int) {
	if !n.wrote && code >= 400 {
		n.Header().Set("Cache-Control", "no-store")
	}
	n.wrote = true
	n.ResponseWriter.WriteHeader(code)
}

func (n *noStoreOnError) Write(b []byte) (int, error) {
	n.wrote = true
	return n.ResponseWriter.Write(b)
}

// Flush keeps @defer's multipart/mixed stream flowing.
func (n *noStoreOnError) Flush() {
	if f, ok := n.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (n *noStoreOnError) Unwrap() http.ResponseWriter { return n.ResponseWriter }
