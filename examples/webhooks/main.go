// Command webhooks is a minimal chainmatch webhook receiver: it verifies
// each delivery's Standard Webhooks signature and timestamp, deduplicates
// by webhook-id (deliveries are at-least-once) and answers 2xx quickly.
// Run it with the secret registerWebhook returned:
//
//	WEBHOOK_SECRET=whsec_... go run ./examples/webhooks -addr :9000
//
// See docs/webhooks.md.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"log"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tolerance is how far a delivery's timestamp may be from now: older
// deliveries are refused so a captured request cannot be replayed later.
const tolerance = 5 * time.Minute

// Verify checks a delivery: the webhook-signature header must hold
// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
// where key is the base64-decoded part of the "whsec_" secret, and the
// timestamp must be within tolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil {
		return errors.New("missing webhook-id or webhook-timestamp")
	}
	if math.Abs(float64(now.Unix()-sec)) > tolerance.Seconds() {
		return errors.New("timestamp too far from now")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return errors.New("malformed secret")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	// The header may list several signatures (secret rotation).
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no valid signature")
}

// Receiver handles deliveries: verify, deduplicate, then process.
type Receiver struct {
	Secret  string
	Process func(body []byte)

	mu   sync.Mutex
	seen map[string]bool // webhook-ids processed; keep for at least a day in production
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if err := Verify(rc.Secret, r.Header, body, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	id := r.Header.Get("webhook-id")
	rc.mu.Lock()
	dup := rc.seen[id]
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	rc.seen[id] = true
	rc.mu.Unlock()
	if !dup && rc.Process != nil {
		rc.Process(body) // hand off quickly: slow answers are retried
	}
	w.WriteHeader(http.StatusNoContent)
}

func main() {
	addr := flag.String("addr", ":9000", "listen address")
	flag.Parse()
	rc := &Receiver{Secret: os.Getenv("WEBHOOK_SECRET"), Process: func(b []byte) { log.Printf("event %s", b) }}
	log.Fatal(http.ListenAndServe(*addr, rc))
}
