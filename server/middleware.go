package server

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// ContentSecurityPolicy is sent with every answer. The page loads its
// scripts and styles from files only; the optional OpenStreetMap tile layer
// (off by default) is the one image source outside the server.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; " +
	"style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// requestIDKey is where the request id is kept in a request's locals.
const requestIDKey = "requestid"

// observedKey marks a request that went through observe, so that the error
// handler logs and counts only those answered before any middleware ran.
const observedKey = "dmzmap.observed"

// Timeouts: Config.ReadTimeout bounds reading a request,
// Config.IdleTimeout a kept-alive connection between requests, and
// Config.WriteTimeout writing one answer. fasthttp's write timeout covers
// the whole answer, a streamed export included, so it is long (15 minutes
// by default: the export of 100,000 incidents, 84 MB, at 1 Mbit/s); what
// it stops is a client that stops reading and would hold the export's
// read transaction, and so bbolt's old pages, for ever.

// useMiddleware installs what every request goes through, in order: the
// request id, the request log and metrics, panic recovery, the security
// headers, CORS, and the rate limit on writes.
func (s *Server) useMiddleware() {
	app := s.app
	app.Use(dropBadRequestID)
	app.Use(requestid.New(requestid.Config{ContextKey: requestIDKey}))
	app.Use(s.observe)
	app.Use(s.recoverPanic)
	app.Use(func(c *fiber.Ctx) error {
		setSecurityHeaders(c)
		return c.Next()
	})
	app.Use(cors)
	if s.cfg.PublicURL != "" {
		base := strings.TrimSuffix(s.cfg.PublicURL, "/")
		app.Use(func(c *fiber.Ctx) error {
			c.Locals(publicURLKey, base)
			return c.Next()
		})
	}
	if s.cfg.WriteRateLimit > 0 {
		app.Use(s.limitWrites())
	}
}

func isWrite(method string) bool {
	switch method {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
		return true
	}
	return false
}

func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, ContentSecurityPolicy)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
}

// errorHandler is the app's ErrorHandler: handleError, plus the security
// headers, log line and metrics of the answers fasthttp makes before any
// middleware runs (a body over the limit, headers too large, a timeout).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	setSecurityHeaders(c)
	observed := c.Locals(observedKey) != nil
	if !observed {
		err = edgeError(c, err)
	}
	herr := s.handleError(c, err)
	if !observed {
		s.record(c, 0)
	}
	return herr
}

// dropBadRequestID removes an X-Request-ID from the client that is too long
// or not plain printable ASCII, so that a fresh one is made for the logs.
func dropBadRequestID(c *fiber.Ctx) error {
	id := c.Request().Header.Peek(fiber.HeaderXRequestID)
	ok := len(id) <= 128
	for _, b := range id {
		if b <= ' ' || b > '~' {
			ok = false
			break
		}
	}
	if !ok {
		c.Request().Header.Del(fiber.HeaderXRequestID)
	}
	return c.Next()
}

// observe logs every request as one structured line and counts it in the
// metrics. It answers a handler's error itself, through the app's error
// handler, so that the status it logs is the one sent.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	c.Locals(observedKey, true)
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			s.log.Error("error handler", "err", herr)
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	s.record(c, time.Since(start))
	return nil
}

// record logs and counts one answered request. For a streamed answer (an
// export) the duration is the handler's, not the transfer's.
func (s *Server) record(c *fiber.Ctx, d time.Duration) {
	status := c.Response().StatusCode()
	route := routeLabel(c)
	s.metrics.observe(route, methodLabel(c.Method()), status, d)
	rid, _ := c.Locals(requestIDKey).(string)
	s.log.Info("request", "method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(d.Microseconds())/1000, "request_id", rid, "ip", s.clientIP(c))
}

// methodLabel is method as the metrics keep it: one of the methods the
// routes take, as a constant (Fiber's method is the request's own bytes,
// which the next request on the connection overwrites: a label kept so
// would read as another method), or "other", so that a client cannot make
// labels without end.
func methodLabel(method string) string {
	for _, m := range [...]string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if method == m {
			return m
		}
	}
	return "other"
}

// routeKey is where an answer from the answer cache keeps, in the
// request's locals, the route pattern of the request it was made for.
const routeKey = "route"

// routeLabel is the route pattern a request matched, such as
// /api/incidents/:id, that of the answer the answer cache gave; "other"
// for one answered before any route (not found, a preflight, rate limited,
// a body too large, a 304 from the database's change counter). Patterns
// keep the metrics' labels few.
func routeLabel(c *fiber.Ctx) string {
	if route, ok := c.Locals(routeKey).(string); ok {
		return route
	}
	r := c.Route()
	if r == nil || len(r.Handlers) == 0 {
		return "other"
	}
	// Fiber reports the middleware's route when no route matched; it is
	// the one that holds the first middleware.
	for _, h := range r.Handlers {
		if reflect.ValueOf(h).Pointer() == middlewareMark {
			return "other"
		}
	}
	return r.Path
}

var middlewareMark = reflect.ValueOf(dropBadRequestID).Pointer()

// recoverPanic turns a panic in a handler into an error, which the error
// handler logs once, with the stack, and answers as a 500 problem.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return c.Next()
}

// panicError is a recovered panic; its text carries the stack for the log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string {
	return fmt.Sprintf("panic: %v\n%s", e.value, e.stack)
}

// cors opens reads to every origin and leaves writes closed: GET and HEAD
// answers carry Access-Control-Allow-Origin: *, a preflight for GET or HEAD
// is allowed, and a preflight for any other method gets no allow headers,
// so a browser on another origin never sends the write.
func cors(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderOrigin) == "" {
		return c.Next()
	}
	h := &c.Response().Header
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
		h.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		h.Set(fiber.HeaderAccessControlExposeHeaders, "ETag, Content-Disposition, Link, X-Request-ID")
	case fiber.MethodOptions:
		want := c.Get(fiber.HeaderAccessControlRequestMethod)
		if want == "" {
			return c.Next()
		}
		if want == fiber.MethodGet || want == fiber.MethodHead {
			h.Set(fiber.HeaderAccessControlAllowOrigin, "*")
			h.Set(fiber.HeaderAccessControlAllowMethods, "GET, HEAD")
			h.Set(fiber.HeaderAccessControlAllowHeaders, "If-None-Match, If-Modified-Since")
			h.Set(fiber.HeaderAccessControlMaxAge, strconv.Itoa(24*60*60))
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Next()
}
