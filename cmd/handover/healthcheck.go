package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckCommand probes a running serve's /healthz: the container
// image is distroless, with no shell or curl, so the binary checks itself
// (Docker's HEALTHCHECK runs `handover healthcheck`).
func (e env) healthcheckCommand(c *common) *cobra.Command {
	var addr string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when a running bot's /healthz answers 200",
		Long: `healthcheck asks http://<server.addr>/healthz of a running "handover serve" and
exits 0 when it answers 200, 1 otherwise. The address is --addr, else
server.addr from --config and HANDOVER_SERVER_ADDR (no other key is read or
checked); an address listening on all interfaces (0.0.0.0, ::) is probed on
loopback.`,
		Example: "  handover healthcheck\n  handover healthcheck --addr 127.0.0.1:9090",
		Args:    noArgs("healthcheck takes no arguments; use --addr"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if timeout <= 0 {
				// No probe could answer in time: that is a mistake in
				// the call, not an unhealthy bot.
				return usagef("healthcheck: --timeout must be positive, e.g. 3s, got %s", timeout)
			}
			if addr == "" {
				a, err := loadServerAddr(c.config, e.getenv)
				if err != nil {
					return usageError{err}
				}
				addr = a
			}
			if addr == "" {
				return usagef("healthcheck: server.addr is empty, so serve has no /healthz")
			}
			return probe(cmd.Context(), addr, timeout, e)
		}),
	}
	cmd.Flags().StringVar(&addr, "addr", "", "host:port of /healthz (default: server.addr)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return cmd
}

func probe(ctx context.Context, addr string, timeout time.Duration, e env) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("healthcheck: %q is not host:port", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	fmt.Fprintf(e.stdout, "ok: %s\n", url)
	return nil
}
