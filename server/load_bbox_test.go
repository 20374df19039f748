package server

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// jitteredBBox returns the box 126.5,37.7,127.5,38.4 with each edge moved
// by up to 0.3°, as a bbox= value: a map panned and zoomed a little.
func jitteredBBox(r *rand.Rand) string {
	j := func(v float64) float64 { return v + (r.Float64()*2-1)*0.3 }
	return fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", j(126.5), j(37.7), j(127.5), j(38.4))
}

// jitteredQuery is one kind of request of BenchmarkLoadJitteredBBox: url
// returns a new target for every request; center is the request of that
// kind for the box 126.5,37.7,127.5,38.4 itself (and the years 1980–1989),
// whose answer the memory handler sends for it.
type jitteredQuery struct {
	name   string
	url    func(r *rand.Rand) string
	center string
}

// sameQuery is the jitteredQuery name of path with a bbox and then rest,
// the same for every request but for the bbox.
func sameQuery(name, path, rest string) jitteredQuery {
	return jitteredQuery{name, func(r *rand.Rand) string { return path + "?bbox=" + jitteredBBox(r) + rest },
		path + "?bbox=" + centerBBox + rest}
}

const apiPath, ogcPath = "/api/incidents", "/ogc/collections/incidents/items"

var jitteredQueries = []jitteredQuery{
	sameQuery("incidents", apiPath, "&limit=100"),
	sameQuery("ogc", ogcPath, "&limit=100"),
	{"incidents-10y", func(r *rand.Rand) string {
		y := 1953 + r.IntN(63)
		return fmt.Sprintf("%s?bbox=%s&from=%d&to=%d&limit=100", apiPath, jitteredBBox(r), y, y+9)
	}, apiPath + "?bbox=" + centerBBox + "&from=1980&to=1989&limit=100"},
	{"ogc-10y", func(r *rand.Rand) string {
		y := 1953 + r.IntN(63)
		return fmt.Sprintf("%s?bbox=%s&datetime=%d-01-01/%d-12-31&limit=100", ogcPath, jitteredBBox(r), y, y+9)
	}, ogcPath + "?bbox=" + centerBBox + "&datetime=1980-01-01/1989-12-31&limit=100"},
	sameQuery("incidents-1980s", apiPath, "&from=1980&to=1989&limit=100"),
	sameQuery("ogc-1980s", ogcPath, "&datetime=1980-01-01/1989-12-31&limit=100"),
	sameQuery("incidents-crossing", apiPath, "&type=crossing&limit=100"),
	sameQuery("ogc-crossing", ogcPath, "&type=crossing&limit=100"),
}

// centerBBox is the box the jittered ones move around.
const centerBBox = "126.5,37.7,127.5,38.4"

// loadEach sends GETs from clients connections for d (at most max
// requests), each to the target next returns for it, and returns the
// requests per second answered 200.
func loadEach(b *testing.B, base string, next func(r *rand.Rand) string, clients int, d time.Duration, max int64, seed uint64) float64 {
	rate, _ := loadEachCPU(b, base, next, clients, d, max, seed)
	return rate
}

// processCPU is the CPU time this process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadEachCPU is loadEach that also returns the CPU time of this process
// (the server and the clients, the collector included) per request
// answered, in µs: on a machine whose other work takes cores away, what
// a request costs rather than how many get a core.
func loadEachCPU(b *testing.B, base string, next func(r *rand.Rand) string, clients int, d time.Duration, max int64, seed uint64) (rate, cpuMicros float64) {
	b.Helper()
	cpu0 := processCPU(b)
	client := &fasthttp.Client{MaxConnsPerHost: clients, ReadTimeout: time.Minute}
	var issued, done, failed atomic.Int64
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		wg.Go(func() {
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for issued.Add(1) <= max && time.Now().Before(deadline) {
				req.SetRequestURI(base + next(r))
				if err := client.Do(req, res); err != nil || res.StatusCode() != 200 {
					failed.Add(1)
					continue
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Errorf("%d requests failed", failed.Load())
	}
	elapsed, cpu := time.Since(start), processCPU(b)-cpu0
	n := done.Load()
	if n == 0 {
		n = 1
	}
	return float64(done.Load()) / elapsed.Seconds(), float64(cpu.Microseconds()) / float64(n)
}

// loadRatio loads the target next returns and the memory handler at
// base+memory in turn, six slices of d/6 each, ABBA, so that both see the
// same machine while other work on it comes and goes, and returns the
// requests per second of each.
func loadRatio(b *testing.B, base, memory string, next func(r *rand.Rand) string, clients int, d time.Duration, max int64, seed uint64) (query, mem float64) {
	query, mem, _, _ = loadRatioCPU(b, base, memory, next, clients, d, max, seed)
	return query, mem
}

// loadRatioCPU is loadRatio that also returns the CPU µs per request of
// each (loadEachCPU), averaged over the slices.
func loadRatioCPU(b *testing.B, base, memory string, next func(r *rand.Rand) string, clients int, d time.Duration, max int64, seed uint64) (query, mem, queryCPU, memCPU float64) {
	b.Helper()
	const slices = 6
	same := func(*rand.Rand) string { return memory }
	for k := range slices {
		q := func() {
			r, c := loadEachCPU(b, base, next, clients, d/slices, max/slices, seed+uint64(k))
			query, queryCPU = query+r/slices, queryCPU+c/slices
		}
		m := func() {
			r, c := loadEachCPU(b, base, same, clients, d/slices, max/slices, seed)
			mem, memCPU = mem+r/slices, memCPU+c/slices
		}
		if k%4 == 0 || k%4 == 3 {
			q()
			m()
		} else {
			m()
			q()
		}
	}
	return query, mem, queryCPU, memCPU
}

// medianMillis sends n GETs one after the other, each to the target next
// returns, for at most d, and returns the median time of one in ms.
func medianMillis(b *testing.B, base string, next func(r *rand.Rand) string, n int, d time.Duration, seed uint64) float64 {
	b.Helper()
	client := &fasthttp.Client{ReadTimeout: time.Minute}
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	r := rand.New(rand.NewPCG(seed, 0))
	var ds []time.Duration
	for deadline := time.Now().Add(d); len(ds) < n && time.Now().Before(deadline); {
		req.SetRequestURI(base + next(r))
		start := time.Now()
		if err := client.Do(req, res); err != nil || res.StatusCode() != 200 {
			b.Fatalf("GET %s: %v, status %d", req.URI(), err, res.StatusCode())
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// point is what a naive count needs of a synthetic incident.
type point struct {
	date     uint32
	typ      data.Type
	lon, lat float64
}

var (
	naiveMu     sync.Mutex
	naivePoints = map[int][]point{}
)

// syntheticPoints returns the date key, type and point of each of the n
// incidents of the synthetic database, made again by data.Generate with
// its seed: a source for counts that owes nothing to the store's index.
func syntheticPoints(b *testing.B, n int) []point {
	naiveMu.Lock()
	defer naiveMu.Unlock()
	if ps, ok := naivePoints[n]; ok {
		return ps
	}
	ps := make([]point, n)
	for i, in := range data.Generate(n, datatest.Seed, loadMDL(b)) {
		ps[i] = point{in.Date.Key(), in.Type, in.Location[0], in.Location[1]}
	}
	naivePoints[n] = ps
	return ps
}

// checkMatched sends the first few requests of q (from the seed of the
// load) and compares each answer's numberMatched with a scan of every
// synthetic incident through the filter the server parsed from the URL.
func checkMatched(b *testing.B, base string, q jitteredQuery, ps []point, count int) {
	b.Helper()
	r := rand.New(rand.NewPCG(99, 0))
	for range count {
		target := q.url(r)
		res, err := http.Get(base + target)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var fc struct {
			NumberMatched  int               `json:"numberMatched"`
			NumberReturned int               `json:"numberReturned"`
			Features       []json.RawMessage `json:"features"`
		}
		if res.StatusCode != 200 || json.Unmarshal(body, &fc) != nil {
			b.Fatalf("GET %s: %d %.200s", target, res.StatusCode, body)
		}
		f := parsedFilter(b, target)
		want := 0
		for _, p := range ps {
			if p.date >= f.From && (f.To == 0 || p.date <= f.To) && (len(f.Types) == 0 || slices.Contains(f.Types, p.typ)) &&
				p.lon >= f.BBox.Min[0] && p.lon <= f.BBox.Max[0] && p.lat >= f.BBox.Min[1] && p.lat <= f.BBox.Max[1] {
				want++
			}
		}
		if fc.NumberMatched != want || fc.NumberReturned != min(want, 100) || len(fc.Features) != fc.NumberReturned {
			b.Fatalf("GET %s: numberMatched %d, numberReturned %d, %d features; a scan of every incident counts %d",
				target, fc.NumberMatched, fc.NumberReturned, len(fc.Features), want)
		}
	}
}

// parsedFilter returns the filter the server reads from target.
func parsedFilter(b *testing.B, target string) data.Filter {
	b.Helper()
	var u fasthttp.URI
	if err := u.Parse(nil, []byte(target)); err != nil {
		b.Fatal(err)
	}
	q, err := parseQuery(u.QueryArgs(), data.FilterSpec{Route: string(u.Path()), OGC: u.Path()[1] == 'o', Paging: true}, time.Now().Year())
	if err != nil || q.filter.BBox == nil {
		b.Fatalf("parsing %s: %v", target, err)
	}
	return q.filter
}

// BenchmarkLoadJitteredBBox is a GIS client panning a map, on loopback: at
// 100,000 and 1,000,000 incidents, 32 connections send requests whose bbox
// is 126.5,37.7,127.5,38.4 with every edge moved by up to 0.3° (a new one
// for each request, and the server's answer cache off, so nothing is
// answered from memory), limit=100, to /api/incidents and to
// /ogc/collections/incidents/items: alone; with a datetime of ten years,
// the same ten (1980–1989: -1980s, a client whose time filter stays while
// it pans) or a new ten for each request (-10y: from 1953–1962 to
// 2015–2024, so the pages' Features are some 63 times as many); and with
// type=crossing. Each runs for 3 s (at most 100,000 requests); in the same
// run, a handler of the same app sends the bytes of one answer of that
// kind (its center request's: the OGC's are a fifth larger) from memory,
// in slices of 0.5 s taken in turn with the query's: each query's ratio
// to it is what it reaches of the framework's limit.
// Beside it, -cpu-ratio is the memory handler's CPU time per request over
// the query's (this process's, the clients' included): the same ratio as
// a machine of its own would give, when other work takes cores away.
// /api/clusters (cell=0.16, the page's at zoom 9) and /api/years with a
// jittered bbox are timed one request at a time: the median of 200.
// Before the load, the first 10 requests of each kind have their
// numberMatched compared with a scan of every synthetic incident.
func BenchmarkLoadJitteredBBox(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			bodies := make([][]byte, len(jitteredQueries))
			srv, base := benchServer(b, n, func(app *fiber.App) {
				for i, q := range jitteredQueries {
					app.Get("/bench/memory/"+q.name, func(c *fiber.Ctx) error {
						c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
						return c.Send(bodies[i])
					})
				}
			})
			srv.answers.off = true
			for i, q := range jitteredQueries {
				res, err := http.Get(base + q.center)
				if err != nil {
					b.Fatal(err)
				}
				bodies[i], _ = io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || len(bodies[i]) < 1000 {
					b.Fatalf("GET %s: %d, %d bytes", q.center, res.StatusCode, len(bodies[i]))
				}
			}
			ps := syntheticPoints(b, n)
			for _, q := range jitteredQueries {
				checkMatched(b, base, q, ps, 10)
			}
			const clients, d, max = 32, 3 * time.Second, 100000
			run := uint64(0)
			for b.Loop() {
				run++
				memory, memoryCPU := 0.0, 0.0
				for _, q := range jitteredQueries {
					stats, _ := srv.store.(interface{ FeatureCacheStats() (int64, int64) })
					var h0, m0 int64
					if stats != nil {
						h0, m0 = stats.FeatureCacheStats()
					}
					rate, mem, qcpu, mcpu := loadRatioCPU(b, base, "/bench/memory/"+q.name, q.url, clients, d, max, run*100)
					if stats != nil {
						h1, m1 := stats.FeatureCacheStats()
						b.ReportMetric(float64(h1-h0)/float64(max64(h1-h0+m1-m0, 1)), q.name+"-cache-hits")
					}
					b.ReportMetric(rate/mem, q.name+"-ratio")
					b.ReportMetric(mcpu/qcpu, q.name+"-cpu-ratio")
					b.ReportMetric(qcpu, q.name+"-cpu-µs/req")
					b.ReportMetric(rate, q.name+"-req/s")
					memory += mem / float64(len(jitteredQueries))
					memoryCPU += mcpu / float64(len(jitteredQueries))
				}
				b.ReportMetric(memory, "memory-req/s")
				b.ReportMetric(memoryCPU, "memory-cpu-µs/req")
				b.ReportMetric(medianMillis(b, base, func(r *rand.Rand) string {
					return "/api/clusters?cell=0.16&bbox=" + jitteredBBox(r)
				}, 200, 10*time.Second, run), "clusters-ms")
				b.ReportMetric(medianMillis(b, base, func(r *rand.Rand) string {
					return "/api/years?bbox=" + jitteredBBox(r)
				}, 200, 10*time.Second, run), "years-ms")
			}
		})
	}
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
