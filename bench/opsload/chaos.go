package main

import (
	"context"
	"fmt"
)

func chaos(ctx context.Context, args []string) error { return fmt.Errorf("not yet") }
