package server

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// benchServer serves the shared database of n synthetic incidents
// (datatest.SyntheticDB) on a loopback port.
func benchServer(b *testing.B, n int, extra func(app *fiber.App)) (*Server, string) {
	b.Helper()
	mdl := loadMDL(b)
	store, err := data.Open(datatest.SyntheticDB(b, n), mdl, data.Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	s := New(store, mdl, nil, Config{})
	if extra != nil {
		extra(s.App())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Listen(ln)
	b.Cleanup(func() {
		s.App().Shutdown()
		store.Close()
	})
	return s, "http://" + ln.Addr().String()
}

// load sends GETs of url from clients connections for d (at most max
// requests) and returns the requests per second answered 200.
func load(b *testing.B, url string, clients int, d time.Duration, max int64) float64 {
	b.Helper()
	client := &fasthttp.Client{MaxConnsPerHost: clients}
	var done, failed atomic.Int64
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			req.SetRequestURI(url)
			for time.Now().Before(deadline) && done.Load()+failed.Load() < max {
				if err := client.Do(req, res); err != nil || res.StatusCode() != 200 {
					failed.Add(1)
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Errorf("%s: %d requests failed", url, failed.Load())
	}
	return float64(done.Load()) / time.Since(start).Seconds()
}

// BenchmarkLoadQueryVsMemory compares, in one run on loopback, a filtered
// query on 100,000 incidents with a handler in the same server that sends
// the same bytes from memory: the framework's limit. It reports the query
// with the server's answer cache (as served) and without it (every request
// runs the query). Each iteration is two bounded load runs (5 s, at most
// 200,000 requests each), each taking the query and the memory handler in
// turn (loadRatio), so that both see the same machine.
func BenchmarkLoadQueryVsMemory(b *testing.B) {
	const query = "/api/incidents?from=2000&to=2010&bbox=126.5,37.7,127.5,38.4&limit=100"
	var body []byte
	srv, base := benchServer(b, 100000, func(app *fiber.App) {
		app.Get("/bench/memory", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
			return c.Send(body)
		})
	})
	res, err := http.Get(base + query)
	if err != nil {
		b.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(body) < 1000 {
		b.Fatalf("query: %d, %d bytes", res.StatusCode, len(body))
	}
	same := func(*rand.Rand) string { return query }
	for b.Loop() {
		cached, memory := loadRatio(b, base, "/bench/memory", same, 32, 5*time.Second, 200000, 1)
		srv.answers.off = true
		uncached, memory2 := loadRatio(b, base, "/bench/memory", same, 32, 5*time.Second, 200000, 1)
		srv.answers.off = false
		b.ReportMetric(cached, "query-req/s")
		b.ReportMetric((memory+memory2)/2, "memory-req/s")
		b.ReportMetric(cached/memory, "ratio")
		b.ReportMetric(uncached, "uncached-query-req/s")
		b.ReportMetric(uncached/memory2, "uncached-ratio")
	}
	b.ReportMetric(float64(len(body)), "bytes/answer")
}

// cannedPages is the store of BenchmarkRouteJitteredBBox's route figures:
// AppendQuery appends one page kept in memory for each kind of feature
// writer, so that what is timed is the route and not the store.
type cannedPages struct {
	*data.Store
	pages [2][]byte // by kind
	res   data.Result
}

func (cp *cannedPages) AppendQuery(dst []byte, f data.Filter, w data.FeatureWriter) ([]byte, data.Result, error) {
	return append(dst, cp.pages[w.Kind]...), cp.res, nil
}

// BenchmarkRouteJitteredBBox measures, in process and without sockets
// (a fasthttp.RequestCtx through the app's handler), what the query routes
// cost per request beyond the store: for each URL kind of
// BenchmarkLoadJitteredBBox on 100,000 incidents (1,024 URLs of it from a
// seeded rand, the answer cache off), every iteration answers one URL
// through the app (app-ns/op), runs the store's part of it alone
// (store-ns/op: AppendQuery with the filter the route reads and the
// route's feature writer), answers it again from an app whose store
// appends a page kept in memory (canned-ns/op), and answers /bench/memory
// there, a handler sending the bytes of one such answer from memory
// (memory-ns/op), and copies the page (copy-ns/op: the store's copy into
// the body). route-ns/op, canned less memory and copy, is what the route
// adds over the framework's limit.
func BenchmarkRouteJitteredBBox(b *testing.B) {
	mdl := loadMDL(b)
	store, err := data.Open(datatest.SyntheticDB(b, 100000), mdl, data.Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	const plain = "/api/incidents?bbox=126.5,37.7,127.5,38.4&limit=100"
	writers := map[string]data.FeatureWriter{
		"/api/": {Sep: comma, Kind: kindStored},
		"/ogc/": {Sep: comma, Kind: kindGIS, Write: data.WithGISFields},
	}
	canned := &cannedPages{Store: store}
	for _, w := range writers {
		if canned.pages[w.Kind], canned.res, err = store.AppendQuery(nil, parsedFilter(b, plain), w); err != nil {
			b.Fatal(err)
		}
	}
	var body []byte
	handler := func(st Store) fasthttp.RequestHandler {
		s := New(st, mdl, nil, Config{})
		s.answers.off = true
		s.App().Get("/bench/memory", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
			return c.Send(body)
		})
		return s.App().Handler()
	}
	live, fake := handler(store), handler(canned)
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, nil)
	serve := func(h fasthttp.RequestHandler, target string) time.Duration {
		t := time.Now()
		ctx.Request.Reset()
		ctx.Request.Header.SetMethod(fiber.MethodGet)
		ctx.Request.Header.SetHost("127.0.0.1")
		ctx.Request.SetRequestURI(target)
		ctx.Response.Reset()
		h(&ctx)
		d := time.Since(t)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("GET %s: %d %s", target, ctx.Response.StatusCode(), ctx.Response.Body())
		}
		return d
	}
	serve(live, plain)
	body = bytes.Clone(ctx.Response.Body())
	for _, q := range jitteredQueries {
		b.Run(q.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(datatest.Seed, 1))
			urls := make([]string, 1024)
			filters := make([]data.Filter, len(urls))
			for i := range urls {
				urls[i] = q.url(r)
				filters[i] = parsedFilter(b, urls[i])
				filters[i].Limit = 100
			}
			w := writers[urls[0][:5]]
			var dst, copied []byte
			var app, st, cnd, mem, cp time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := urls[i%len(urls)]
				app += serve(live, u)
				t := time.Now()
				if dst, _, err = store.AppendQuery(dst[:0], filters[i%len(urls)], w); err != nil {
					b.Fatal(err)
				}
				st += time.Since(t)
				cnd += serve(fake, u)
				mem += serve(fake, "/bench/memory")
				t = time.Now()
				copied = append(copied[:0], canned.pages[w.Kind]...)
				cp += time.Since(t)
				i++
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(i) }
			b.ReportMetric(per(app), "app-ns/op")
			b.ReportMetric(per(st), "store-ns/op")
			b.ReportMetric(per(cnd), "canned-ns/op")
			b.ReportMetric(per(mem), "memory-ns/op")
			b.ReportMetric(per(cp), "copy-ns/op")
			b.ReportMetric(per(cnd-mem-cp), "route-ns/op")
		})
	}
}
