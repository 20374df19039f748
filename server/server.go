// Package server is dmzmap's HTTP service: the JSON and GeoJSON API over the
// incident store, the MDL and the DMZ, and the web page. It reaches the store
// through the Store interface declared here.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
)

// Store is what the handlers need of the incident store; *data.Store has it.
type Store interface {
	// Query calls visit with the stored Feature bytes of each incident f
	// selects, in date order.
	Query(f data.Filter, visit func(feature []byte) error) (data.Result, error)
	// Crossings calls visit with each crossing-point Feature of the incidents
	// f selects.
	Crossings(f data.Filter, visit func(feature []byte) error) (data.Result, error)
	// Years counts the incidents f selects per year and type.
	Years(f data.Filter) ([]data.YearCount, error)
	// Feature returns one incident's stored Feature, or a data.Error of kind
	// data.KindNotFound.
	Feature(id string) ([]byte, error)
	// Version returns the change counter, which grows with every write.
	Version() (data.Version, error)
	// Clusters groups the incidents f selects into grid cells of cellDeg degrees.
	Clusters(f data.Filter, cellDeg float64) ([]data.Cluster, data.Result, error)
}

// Config holds the server's settings. The zero value is usable: it serves
// the API and no web page.
type Config struct {
	// Assets is the web page: "index.html" at its root and the page's files
	// under "static/". Nil serves the API only.
	Assets fs.FS
	// MaxLimit is the most features /api/incidents and /api/crossings
	// return in one answer, and their default page size; default 10000.
	MaxLimit int
	// BodyLimit is the largest request body accepted, in bytes; default 4 MiB.
	BodyLimit int
	// WriteRateLimit is the most writes (POST, PUT, PATCH, DELETE) one client
	// IP may make a minute; more are answered 429 with Retry-After. 0 is no
	// limit.
	WriteRateLimit int
	// ReadTimeout bounds reading one request; default 30s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing one answer, a whole export included, so
	// that a client that stops reading cannot hold a connection forever;
	// default 15m.
	WriteTimeout time.Duration
	// IdleTimeout bounds waiting for the next request on a kept-alive
	// connection; default 2m.
	IdleTimeout time.Duration
	// Token is the bearer token that writes, imports and backups must
	// carry; empty switches them off (they answer 403).
	Token string
	// PublicURL is the URL clients reach the service at (scheme, host and
	// any path prefix, e.g. https://example.org/dmzmap) when a proxy stands
	// in front of it; empty uses the URL each request was sent to.
	PublicURL string
}

// DefaultMaxLimit is Config.MaxLimit's default.
const DefaultMaxLimit = 10000

// Server is the HTTP service.
type Server struct {
	app   *fiber.App
	store Store
	mdl   *geo.MDL
	log   *slog.Logger
	cfg   Config
	now   func() time.Time

	mdlFeature []byte
	dmz        func() ([]byte, error)
	webPage    webPage
	answers    answerCache
	metrics    *metrics
}

// New returns a Server answering from store and mdl and logging to logger
// (nil discards the log).
func New(store Store, mdl *geo.MDL, logger *slog.Logger, cfg Config) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = DefaultMaxLimit
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = fiber.DefaultBodyLimit
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 15 * time.Minute
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	s := &Server{store: store, mdl: mdl, log: logger, cfg: cfg, now: time.Now, metrics: newMetrics()}
	s.mdlFeature = mdlFeature(mdl)
	s.dmz = dmzCollection(mdl)
	s.app = fiber.New(fiber.Config{
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		CaseSensitive:         true,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           cfg.IdleTimeout,
	})
	s.routes()
	return s
}

// App returns the Fiber app, for tests through App().Test.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on ln until Shutdown.
func (s *Server) Listen(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for the requests in
// flight to finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }
