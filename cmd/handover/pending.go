package main

import "context"

func (e env) quotes(ctx context.Context, args []string) error { return usagef("quotes: not built yet") }
func (e env) dates(ctx context.Context, args []string) error  { return usagef("dates: not built yet") }
func (e env) serve(ctx context.Context, args []string) error  { return usagef("serve: not built yet") }
