package webhook

import (
	"math/rand/v2"
	"time"
)

// Schedule is the retry policy: after the n-th failed attempt the next is
// due after a delay drawn uniformly from [0, min(Max, Base·2^(n-1))]
// ("full jitter", so that many failing deliveries do not retry in step).
// Attempts go on until one fails at or after Window past the first due
// time; that attempt is DEAD. So a failing endpoint is tried for at least
// Window (24 h by default) and no longer than Window plus Max.
type Schedule struct {
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// DefaultSchedule: 30 s doubling to at most 1 h between attempts, for 24 h
// (about 55 attempts when the endpoint stays down: the mean delay at the
// cap is 30 min).
func DefaultSchedule() Schedule {
	return Schedule{Base: 30 * time.Second, Max: time.Hour, Window: 24 * time.Hour}
}

// Ceiling is the largest delay after the attempt-th failed attempt.
func (s Schedule) Ceiling(attempt int) time.Duration {
	d := s.Base
	for i := 1; i < attempt && d < s.Max; i++ {
		d *= 2
	}
	return min(d, s.Max)
}

// Next returns when the attempt after a failed one (number attempt, ended
// at now) is due, or nil when the delivery is dead: the window counted
// from firstDue is over.
func (s Schedule) Next(attempt int, firstDue, now time.Time) *time.Time {
	if !now.Before(firstDue.Add(s.Window)) {
		return nil
	}
	next := now.Add(rand.N(s.Ceiling(attempt) + 1))
	return &next
}
