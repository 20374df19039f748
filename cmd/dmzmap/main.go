// Command dmzmap serves a map and an API of documented incidents along the
// Korean Demilitarized Zone.
//
//	dmzmap [serve] [--addr :8080] [--db ./dmzmap.db]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dmzmap/dmzmap/assets"
	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/dmzmap/dmzmap/server"
)

// shutdownTimeout bounds how long requests in flight may run after a
// signal before their connections are closed.
const shutdownTimeout = 30 * time.Second

// defaultWriteRate is --write-rate's default: writes a minute from one
// client address, enough for a person at the editor and for a script
// that imports in bulk (one request), not for a flood.
const defaultWriteRate = 120

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dmzmap:", err)
		os.Exit(exitCode(err))
	}
}

const usage = `Usage: dmzmap [command] [flags]

Commands:
  serve      serve the map and the API (the default)
  import     load a GeoJSON FeatureCollection or a CSV into the database, all or nothing
  export     write the incidents a filter selects to stdout as GeoJSON, CSV or KML
  validate   check a GeoJSON or CSV file without a database; each error as FILE:INDEX: field: message
  backup     copy the database, consistently, even while the server runs (then through its /api/backup)
  restore    replace the database with a backup (the server must be stopped)
  check      run the full consistency check of a database file; exit 1 if it is damaged
  gen        fill a database with synthetic incidents, for benchmarks
  healthcheck  exit 0 if a running server's /healthz answers 200 (a container's HEALTHCHECK)
  help       print this

Run "dmzmap COMMAND -h" for the flags of a command.

Exit codes:
  0  success
  1  failure: a file, the database (held by another process, say) or the network
  2  usage: unknown command, bad flag or argument
  3  the input was refused (invalid records, ids repeated or already stored); nothing was written
`

// run is the whole program: main only adds the signals and the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	if c, ok := commands[cmd]; ok {
		if err := c(ctx, args, getenv, stdout, stderr); !errors.Is(err, errHelp) {
			return err
		}
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", cmd)
}

// env returns the environment variable name, or def when it is unset.
func env(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", env(getenv, "DMZMAP_ADDR", ":8080"), "address to listen on (env DMZMAP_ADDR)")
	db := flags.String("db", env(getenv, "DMZMAP_DB", "./dmzmap.db"), "database file, created and seeded if missing (env DMZMAP_DB)")
	logFormat := flags.String("log-format", env(getenv, "DMZMAP_LOG_FORMAT", "text"), "log format on stderr: text or json (env DMZMAP_LOG_FORMAT)")
	var dbTimeout time.Duration
	defTimeout, err := time.ParseDuration(env(getenv, "DMZMAP_DB_TIMEOUT", "2s"))
	if err != nil {
		return fmt.Errorf("DMZMAP_DB_TIMEOUT: %v", err)
	}
	flags.DurationVar(&dbTimeout, "db-timeout", defTimeout, "how long to wait for a database held by another process (env DMZMAP_DB_TIMEOUT)")
	defRate, err := strconv.Atoi(env(getenv, "DMZMAP_WRITE_RATE", strconv.Itoa(defaultWriteRate)))
	if err != nil {
		return fmt.Errorf("DMZMAP_WRITE_RATE: %v", err)
	}
	writeRate := flags.Int("write-rate", defRate, "the most writes one client address may make a minute; more get 429 (0: no limit; env DMZMAP_WRITE_RATE)")
	trusted := flags.String("trusted-proxy", env(getenv, "DMZMAP_TRUSTED_PROXY", ""),
		"comma-separated CIDRs or addresses of the proxies whose X-Forwarded-For, -Host and -Proto are believed; none by default (env DMZMAP_TRUSTED_PROXY)")
	publicURL := flags.String("public-url", env(getenv, "DMZMAP_PUBLIC_URL", ""),
		"the scheme and host (and path prefix) every absolute link starts with, such as https://dmz.example.org; by default the request's (env DMZMAP_PUBLIC_URL)")
	embedOrigins := flags.String("embed-origins", env(getenv, "DMZMAP_EMBED_ORIGINS", server.DefaultEmbedOrigins),
		"origins whose pages may frame /embed, separated by spaces or commas: * (any), 'self', https://news.example (env DMZMAP_EMBED_ORIGINS)")
	readToken := tokenFlag(flags, getenv)
	followURL := flags.String("follow", getenv("DMZMAP_FOLLOW"), "run as a read-only replica of the dmzmap at this URL, keeping --db a copy of its database (fetched through its /api/backup with the --token-file token; env DMZMAP_FOLLOW)")
	defInterval, err := time.ParseDuration(env(getenv, "DMZMAP_FOLLOW_INTERVAL", "5s"))
	if err != nil {
		return fmt.Errorf("DMZMAP_FOLLOW_INTERVAL: %v", err)
	}
	followInterval := flags.Duration("follow-interval", defInterval, "how often a replica asks the primary whether it changed (env DMZMAP_FOLLOW_INTERVAL)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &usageError{err}
	}
	token, err := readToken()
	if err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", flags.Args())
	}
	proxies, err := parseProxies(*trusted)
	if err != nil {
		return usagef("--trusted-proxy %q: %v", *trusted, err)
	}
	if err := checkPublicURL(*publicURL); err != nil {
		return usagef("--public-url %q: %v", *publicURL, err)
	}
	if *writeRate < 0 {
		return usagef("--write-rate %d: want 0 (no limit) or more", *writeRate)
	}
	if *followURL != "" && !strings.HasPrefix(*followURL, "http://") && !strings.HasPrefix(*followURL, "https://") {
		return usagef("--follow %q: want the primary's http:// or https:// URL", *followURL)
	}
	if *followInterval <= 0 {
		return usagef("--follow-interval %v: want a positive duration", *followInterval)
	}
	if _, err := server.ParseEmbedOrigins(*embedOrigins); err != nil {
		return usagef("--embed-origins: %v", err)
	}

	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return fmt.Errorf("--log-format %q: want text or json", *logFormat)
	}
	logger := slog.New(handler)

	mdl, err := data.LoadMDL()
	if err != nil {
		return err
	}
	cfg := server.Config{Assets: assets.FS, Token: token, WriteRateLimit: *writeRate,
		TrustedProxies: proxies, PublicURL: strings.TrimSuffix(*publicURL, "/"), EmbedOrigins: *embedOrigins}
	if *followURL != "" {
		return serveReplica(ctx, *followURL, readToken, *followInterval, dbTimeout, mdl, logger, *addr, *db, cfg)
	}
	store, err := data.Open(*db, mdl, data.Options{Timeout: dbTimeout})
	if err != nil {
		return err
	}
	err = seed(store, logger, *db)
	if err == nil {
		logger.Info("writes", "enabled", cfg.Token != "", "per_client_per_minute", cfg.WriteRateLimit)
		err = listen(ctx, server.New(store, mdl, logger, cfg), logger, *addr, *db)
	}
	if cerr := store.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("closing %s: %w", *db, cerr)
	}
	if err == nil {
		logger.Info("stopped", "db", *db)
	}
	return err
}

// seed fills store with the curated incidents if it is new.
func seed(store *data.Store, logger *slog.Logger, db string) error {
	seeded, err := data.SeedEmbedded(store)
	if err != nil {
		return fmt.Errorf("seeding %s: %w", db, err)
	}
	if seeded {
		n, _ := store.Count()
		logger.Info("seeded the database", "db", db, "incidents", n)
	}
	return nil
}

// serveReplica serves a read-only copy of the primary's database at db,
// kept current by a follower, until ctx ends.
func serveReplica(ctx context.Context, primary string, token func() (string, error), interval, dbTimeout time.Duration,
	mdl *geo.MDL, logger *slog.Logger, addr, db string, cfg server.Config) error {
	f := newFollower(primary, token, db, interval, dbTimeout, mdl, logger)
	if err := f.open(ctx); err != nil {
		return err
	}
	cfg.Token = "" // a replica takes no writes; the token is for the primary's backups
	cfg.Primary = f.primary
	cfg.Replica = f.Status
	followCtx, stopFollowing := context.WithCancel(ctx)
	following := make(chan struct{})
	go func() { f.run(followCtx); close(following) }()
	logger.Info("replica", "primary", f.primary, "interval", interval.String())
	err := listen(ctx, server.New(f.replica, mdl, logger, cfg), logger, addr, db)
	stopFollowing()
	<-following
	if cerr := f.replica.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("closing %s: %w", db, cerr)
	}
	if err == nil {
		logger.Info("stopped", "db", db)
	}
	return err
}

// listen serves srv on addr until ctx ends, and shuts it down gracefully.
func listen(ctx context.Context, srv *server.Server, logger *slog.Logger, addr, db string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", db)
	served := make(chan error, 1)
	go func() { served <- srv.Listen(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "err", err)
	}
	return <-served
}
