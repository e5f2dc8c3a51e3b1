package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// discordHost is where discordgo sends every REST call, gateway discovery
// included. Its endpoints are package strings built at init, so handover
// redirects requests in the HTTP client instead of touching them.
const discordHost = "discord.com"

// rewriteTransport sends requests for discord.com to another base URL (a
// REST proxy such as nirn-proxy, or a fake Discord in tests), keeping the
// path and query. Requests to other hosts, such as the CDN, pass through.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.EqualFold(r.URL.Hostname(), discordHost) {
		return t.next.RoundTrip(r)
	}
	// RoundTrippers must not modify the request they are given.
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		r2.URL.Path = p + r2.URL.Path
		if r2.URL.RawPath != "" {
			r2.URL.RawPath = p + r2.URL.RawPath
		}
	}
	r2.Host = ""
	return t.next.RoundTrip(r2)
}

// NewHTTPClient returns the HTTP client for discordgo: its requests to
// https://discord.com go to apiBaseURL instead ("" or https://discord.com
// means Discord itself).
func NewHTTPClient(apiBaseURL string) (*http.Client, error) {
	// discordgo's own default timeout.
	c := &http.Client{Timeout: 20 * time.Second, Transport: http.DefaultTransport}
	if apiBaseURL == "" {
		return c, nil
	}
	u, err := url.Parse(apiBaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord api base url %q: want http(s)://host", RedactURL(apiBaseURL))
	}
	if strings.EqualFold(u.Host, discordHost) && u.Scheme == "https" && strings.Trim(u.Path, "/") == "" {
		return c, nil
	}
	c.Transport = rewriteTransport{base: u, next: http.DefaultTransport}
	return c, nil
}
