package main

import (
	"context"
	"log/slog"
	"time"

	"chainmatch/internal/alert"
	"chainmatch/internal/changes"
	"chainmatch/internal/config"
	neo4jstore "chainmatch/internal/store/neo4j"
)

// startAlertEvaluator runs the match-alert evaluator: the change-log
// follower named alert.ConsumerName, whose lease makes one replica at a
// time evaluate each change once (alerts and cursor in one transaction).
// Local writes wake it at once through the store's change signal. The
// returned function waits for it to stop (after ctx ends) and gives the
// lease up, so that another replica takes over at once.
func startAlertEvaluator(ctx context.Context, cfg config.Config, st *neo4jstore.Store, sig *changes.Signal, log *slog.Logger) func() {
	matches, err := newMatchService(cfg, st)
	if err != nil {
		panic(err) // serve checks the weights before it starts anything
	}
	svc := alert.NewService(st, matches)
	f := changes.NewFollower(st, changes.FollowerConfig{
		Name: alert.ConsumerName, Handle: svc.HandleChanges, FromNow: true, Signal: sig, Log: log,
		BatchSize: alert.FollowerBatch,
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	return func() {
		<-done
		rctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := st.ReleaseChangeCursor(rctx, alert.ConsumerName, f.Owner()); err != nil {
			log.Warn("release the alert evaluator's lease", "err", err)
		}
	}
}
