package main

import "context"

func (e env) serve(ctx context.Context, args []string) error { return usagef("serve: not built yet") }
