// Package server is dmzmap's HTTP service: the JSON and GeoJSON API over the
// incident store, the MDL and the DMZ, and the web page. It reaches the store
// through the Store interface declared here.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
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
	// CrossingPoints calls visit with each crossing-point Feature that f
	// selects by the point's own place, direction and sector.
	CrossingPoints(f data.Filter, visit func(feature []byte) error) (data.Result, error)
	// Crossing returns one crossing point's stored Feature, or a data.Error
	// of kind data.KindNotFound.
	Crossing(id string) ([]byte, error)
	// Extents returns where and when the incidents and the crossing points lie.
	Extents() (incidents, crossings data.Extent, err error)
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
	// TrustedProxies are the peers whose X-Forwarded-For, -Host and -Proto
	// are believed; from any other peer they are ignored. Empty trusts none.
	TrustedProxies []netip.Prefix
	// PublicURL, when set, is the only base of the absolute links the
	// answers write (such as https://dmz.example.org); otherwise links are
	// built from the request's scheme and host.
	PublicURL string
	// EmbedOrigins lists the origins whose pages may frame /embed,
	// separated by spaces or commas, as ParseEmbedOrigins reads it; default
	// "*" (any). Every other answer refuses to be framed.
	EmbedOrigins string
	// Token is the bearer token that writes, imports and backups must
	// carry; empty switches them off (they answer 403).
	Token string
	// Primary is set on a read-only replica: the URL of the server that
	// takes the writes, named in the 403 every write gets here.
	Primary string
	// Replica reports, on a replica, the state of its copy for /readyz.
	Replica func() ReplicaStatus
}

// ReplicaStatus is what /readyz says of a replica's copy of the primary.
type ReplicaStatus struct {
	Primary   string    // the primary's URL
	Copied    time.Time // when the copy served now was made; zero before the first
	Checked   time.Time // the last time the primary answered
	LastError string    // why the last attempt to follow failed, if it did
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
	// lastVersion holds the ETag and Last-Modified of the last Version a
	// data answer had (handleCache).
	lastVersion atomic.Pointer[versionHeaders]
	metrics     *metrics
	events      *eventHub // nil when the store keeps no change log
	land        land      // the basemap's land, for map images
	embedCSP    string    // the Content-Security-Policy of /embed
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
	if log, ok := store.(changeLog); ok {
		s.events = newEventHub(log)
	}
	ancestors, err := ParseEmbedOrigins(cfg.EmbedOrigins)
	if err != nil {
		logger.Error("embed origins: no site may frame /embed", "err", err)
		ancestors = "'none'"
	}
	s.embedCSP = embedCSP(ancestors)
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
		// X-Forwarded-Host and -Proto (Hostname, Protocol, BaseURL) only
		// from a trusted proxy; clientIP reads X-Forwarded-For.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          trustedProxies(cfg.TrustedProxies),
		// A response's body buffer goes back to fasthttp's pool once the
		// response is written, rather than staying with its connection:
		// the next answer is built in a buffer still in the CPU's cache
		// instead of one of as many as there are connections, each cold
		// (a page of 100 Features from the cache of Features, 32
		// connections: 44 to 39 µs of CPU a request, BENCHMARKS.md), and
		// idle connections hold no body.
		ReduceMemoryUsage: true,
	})
	s.routes()
	srv := s.app.Server()
	srv.Handler = s.guardEdge(srv.Handler)
	srv.SecureErrorLogMessage = true
	return s
}

// App returns the Fiber app, for tests through App().Test.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on ln until Shutdown.
func (s *Server) Listen(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for the requests in
// flight to finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.events != nil {
		s.events.close() // event streams never end by themselves
	}
	return s.app.ShutdownWithContext(ctx)
}
