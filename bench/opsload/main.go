package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: opsload soak|chaos [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "soak":
		err = soak(ctx, os.Args[2:])
	case "chaos":
		err = chaos(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "opsload:", err)
		os.Exit(1)
	}
}
