package server

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// rateWindow is a fixed-window counter of one client's writes.
type rateWindow struct {
	start time.Time
	n     int
}

// rateLimiter counts requests per key in windows of a minute.
type rateLimiter struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	windows map[string]*rateWindow
}

func newRateLimiter(max int) *rateLimiter {
	return &rateLimiter{max: max, window: time.Minute, windows: map[string]*rateWindow{}}
}

// take counts one request of key; when key is over its limit it returns
// false and the seconds until its window ends.
func (l *rateLimiter) take(key string, now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.windows) > 10000 {
		for k, w := range l.windows {
			if now.Sub(w.start) >= l.window {
				delete(l.windows, k)
			}
		}
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &rateWindow{start: now}
		l.windows[key] = w
	}
	if w.n >= l.max {
		return false, max(1, int((w.start.Add(l.window).Sub(now)+time.Second-1)/time.Second))
	}
	w.n++
	return true, 0
}

// limitWrites is the middleware that limits writes to Config.WriteRateLimit
// a minute per client address, in two counts: writes that carry the token,
// and writes that do not (a missing or wrong token, or writes switched
// off). Failed attempts from an address, a proxy or a NAT shared with the
// token's holder, never spend the holder's budget.
func (s *Server) limitWrites() fiber.Handler {
	writes, failures := newRateLimiter(s.cfg.WriteRateLimit), newRateLimiter(s.cfg.WriteRateLimit)
	return func(c *fiber.Ctx) error {
		if !isWrite(c.Method()) {
			return c.Next()
		}
		ip := s.clientIP(c)
		l, what := writes, ""
		if !s.tokenOK(c) {
			l, what = failures, " without the server's token"
		}
		if ok, retry := l.take(ip, time.Now()); !ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retry))
			return fiber.NewError(fiber.StatusTooManyRequests, fmt.Sprintf(
				"more than %d writes a minute%s from %s: try again in %d seconds (see Retry-After)",
				s.cfg.WriteRateLimit, what, ip, retry))
		}
		return c.Next()
	}
}
