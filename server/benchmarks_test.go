package server

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
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

// BenchmarkRouteJitteredBBox measures, in process and without sockets
// (a fasthttp.RequestCtx through the app's handler), what the query routes
// cost per request beyond the store: for each URL kind of
// BenchmarkLoadJitteredBBox on 100,000 incidents (1,024 URLs of it from a
// seeded rand, the answer cache off), every iteration answers one URL
// through the app, runs the store's part of another (AppendQuery with the
// filter the route reads and the route's feature writer) and answers
// /bench/memory, a handler of the same app sending the bytes of one such
// answer from memory. route-ns/op is the app's time less the store's and
// the memory handler's: what the route adds over the framework's limit.
func BenchmarkRouteJitteredBBox(b *testing.B) {
	mdl := loadMDL(b)
	store, err := data.Open(datatest.SyntheticDB(b, 100000), mdl, data.Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	s := New(store, mdl, nil, Config{})
	s.answers.off = true
	var body []byte
	s.App().Get("/bench/memory", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
		return c.Send(body)
	})
	h := s.App().Handler()
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, nil)
	serve := func(target string) {
		ctx.Request.Reset()
		ctx.Request.Header.SetMethod(fiber.MethodGet)
		ctx.Request.Header.SetHost("127.0.0.1")
		ctx.Request.Header.Set(fiber.HeaderAcceptEncoding, "")
		ctx.Request.SetRequestURI(target)
		ctx.Response.Reset()
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("GET %s: %d %s", target, ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
	serve("/api/incidents?bbox=126.5,37.7,127.5,38.4&limit=100")
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
			w := data.FeatureWriter{Sep: comma, Kind: kindStored}
			if strings.HasPrefix(urls[0], "/ogc/") {
				w = data.FeatureWriter{Sep: comma, Kind: kindGIS, Write: data.WithGISFields}
			}
			var dst []byte
			var app, st, mem time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t0 := time.Now()
				serve(urls[i%len(urls)])
				t1 := time.Now()
				if dst, _, err = store.AppendQuery(dst[:0], filters[(i+len(urls)/2)%len(urls)], w); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				serve("/bench/memory")
				t3 := time.Now()
				app, st, mem = app+t1.Sub(t0), st+t2.Sub(t1), mem+t3.Sub(t2)
				i++
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(i) }
			b.ReportMetric(per(app), "app-ns/op")
			b.ReportMetric(per(st), "store-ns/op")
			b.ReportMetric(per(mem), "memory-ns/op")
			b.ReportMetric(per(app-st-mem), "route-ns/op")
		})
	}
}
