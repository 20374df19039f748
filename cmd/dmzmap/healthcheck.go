package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runHealthcheck asks a running server's /healthz and exits 0 only on a
// 200: a container's HEALTHCHECK, where the image has no curl.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("healthcheck", "dmzmap healthcheck [--url URL] [--timeout D]", stderr)
	url := flags.String("url", env(getenv, "DMZMAP_HEALTH_URL", "http://127.0.0.1:8080/healthz"), "the server's health URL (env DMZMAP_HEALTH_URL)")
	timeout := flags.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usagef("--url %q: %v", *url, err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *url, res.Status)
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}
