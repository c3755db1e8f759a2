package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"chainmatch/internal/changes"
)

// Queue is what the delivery worker needs from the graph store.
type Queue interface {
	// QueueWebhookChanges queues the deliveries of events, in the
	// change-log follower's transaction that ctx carries.
	QueueWebhookChanges(ctx context.Context, events []changes.Event, now time.Time) error
	// QueueAlertDeliveries fans out up to limit new match alerts, marking
	// them in the same transaction; it returns how many it consumed.
	QueueAlertDeliveries(ctx context.Context, now time.Time, limit int) (int, error)
	// ClaimWebhookDeliveries leases up to limit due PENDING deliveries.
	ClaimWebhookDeliveries(ctx context.Context, owner, token string, now, until time.Time, limit int) ([]Claim, error)
	// FinishWebhookDelivery records an attempt's outcome under its lease;
	// false when the lease was lost.
	FinishWebhookDelivery(ctx context.Context, c Claim, o Outcome) (bool, error)
}

// WorkerConfig tunes the delivery worker.
type WorkerConfig struct {
	// Timeout bounds one attempt (connect, TLS, request, response headers
	// and body). Default 10 s.
	Timeout time.Duration
	// Schedule is the retry policy. Default DefaultSchedule.
	Schedule Schedule
	// Concurrency is how many attempts run at once per replica. Default 8.
	Concurrency int
	// Lease is how long a claimed delivery stays with this worker; it must
	// exceed Timeout, so that a live worker always finishes (or gives up)
	// before another may claim the delivery. Default 2·Timeout + 10 s.
	Lease time.Duration
	// Poll is how often the worker looks for work when idle. Default 1 s.
	Poll time.Duration
	// Transport carries the requests (nil: a fresh http.Transport with
	// system roots); the policy's dial check and no-redirect rule wrap it.
	Transport *http.Transport
	// Replica names this worker in leases (default: random).
	Replica string
	Log     *slog.Logger
}

// Worker fans out new match alerts and delivers due deliveries; change
// events reach it through a change-log follower (changes.Follower) whose
// handler is HandleChanges.
type Worker struct {
	q      Queue
	cfg    WorkerConfig
	client *http.Client
	now    func() time.Time
	slots  chan struct{}
	// freed wakes Run when an attempt ends, so a free slot is refilled
	// without waiting for the next poll.
	freed chan struct{}
	wg    sync.WaitGroup
}

// NewWorker returns a worker over q whose requests obey policy.
func NewWorker(q Queue, policy Policy, cfg WorkerConfig) *Worker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Schedule == (Schedule{}) {
		cfg.Schedule = DefaultSchedule()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.Lease <= cfg.Timeout {
		cfg.Lease = 2*cfg.Timeout + 10*time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Replica == "" {
		cfg.Replica = "replica-" + randomID()[:8]
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Worker{
		q: q, cfg: cfg, client: policy.Client(cfg.Timeout, cfg.Transport), now: time.Now,
		slots: make(chan struct{}, cfg.Concurrency), freed: make(chan struct{}, 1),
	}
}

// fanoutBatch is how many events or alerts one fan-out transaction takes.
const fanoutBatch = 200

// Run works until ctx is cancelled, then waits for the attempts in flight
// (each bounded by Timeout) to finish and be recorded, and returns. Errors
// of Neo4j are logged and retried at the next poll: a database outage
// delays deliveries, it never loses them.
func (w *Worker) Run(ctx context.Context) {
	defer w.wg.Wait()
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		busy := w.fanout(ctx)
		busy = w.dispatch(ctx) || busy
		if busy {
			// More may be waiting: go again at once, unless stopping.
			if ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.freed:
		}
	}
}

// FollowerName names the webhook fan-out's consumer of the change log:
// its cursor and lease are shared by every replica.
const FollowerName = "webhooks"

// HandleChanges is the handler of the webhook fan-out's change-log
// follower: it queues each event's deliveries in the follower's
// transaction (ctx), which advances its cursor in the same commit.
func (w *Worker) HandleChanges(ctx context.Context, events []changes.Event) error {
	return w.q.QueueWebhookChanges(ctx, events, w.now().UTC())
}

// fanout queues deliveries for new match alerts; it reports whether the
// batch was full.
func (w *Worker) fanout(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	m, err := w.q.QueueAlertDeliveries(ctx, w.now().UTC(), fanoutBatch)
	if err != nil && ctx.Err() == nil {
		w.cfg.Log.Warn("webhook fan-out of alerts", "err", err)
	}
	return m == fanoutBatch
}

// dispatch claims as many due deliveries as there are free slots and
// starts their attempts; it reports whether every free slot got one.
// Claiming only for free slots keeps a lease from running down while its
// delivery waits in this process.
func (w *Worker) dispatch(ctx context.Context) bool {
	free := w.cfg.Concurrency - len(w.slots)
	if free == 0 || ctx.Err() != nil {
		return false
	}
	now := w.now().UTC()
	token := randomToken()
	claims, err := w.q.ClaimWebhookDeliveries(ctx, w.cfg.Replica, token, now, now.Add(w.cfg.Lease), free)
	if err != nil {
		if ctx.Err() == nil {
			w.cfg.Log.Warn("webhook claim", "err", err)
		}
		return false
	}
	for _, c := range claims {
		w.slots <- struct{}{}
		w.wg.Add(1)
		go func(c Claim) {
			defer func() {
				<-w.slots
				select {
				case w.freed <- struct{}{}:
				default:
				}
				w.wg.Done()
			}()
			w.deliver(c)
		}(c)
	}
	return len(claims) == free && free > 0
}

func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// deliver makes one attempt and records it. It does not take the Run
// context: an attempt in flight at shutdown finishes (within Timeout) and
// is recorded, so shutdown neither cuts a request nor leaves a lease to
// expire.
func (w *Worker) deliver(c Claim) {
	o := w.attempt(c)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ok, err := w.q.FinishWebhookDelivery(ctx, c, o)
	switch {
	case err != nil:
		// The lease will expire and the delivery be tried again.
		w.cfg.Log.Warn("webhook record attempt", "delivery", c.Key, "err", err)
	case !ok:
		w.cfg.Log.Warn("webhook lease lost before the attempt was recorded", "delivery", c.Key)
	default:
		w.cfg.Log.Debug("webhook attempt", "delivery", c.Key, "status", o.Status, "code", o.ResponseCode)
	}
}

// attempt POSTs the signed body and classifies the answer: 2xx DELIVERED,
// anything else (3xx included: redirects are not followed, an error or a
// timeout) FAILED with the next attempt scheduled, or DEAD when the retry
// window is over.
func (w *Worker) attempt(c Claim) Outcome {
	code, err := w.post(c)
	now := w.now().UTC()
	o := Outcome{At: now}
	if err == nil {
		o.ResponseCode = &code
	}
	if err == nil && code >= 200 && code < 300 {
		o.Status = Delivered
		return o
	}
	if err != nil {
		w.cfg.Log.Info("webhook attempt failed", "delivery", c.Key, "err", err)
	}
	if next := w.cfg.Schedule.Next(c.Attempt, c.FirstDueAt, now); next != nil {
		o.Status, o.NextDueAt = Failed, next
	} else {
		o.Status = Dead
	}
	return o
}

func (w *Worker) post(c Claim) (int, error) {
	body, err := Body(c.Delivery)
	if err != nil {
		return 0, err
	}
	ts := w.now().Unix()
	sig, err := Sign(c.Secret, c.EventID, ts, body)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "chainmatch-webhooks/1")
	req.Header.Set("webhook-id", c.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read a little of the answer so the connection can be reused; the
	// body itself is not kept.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
