package server

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/valyala/fasthttp"
)

const loadToken = "mixed-load-token"

// loadSummary is the summary of every incident the load clients create,
// which no other incident has.
const loadSummary = "Written by the mixed load test."

// loadOptions bounds and shapes a mixed load run.
type loadOptions struct {
	clients  int           // concurrent clients, each on its own connection
	duration time.Duration // the run stops after this long
	max      int64         // or after this many requests in all
	writePct int           // the percentage of requests that write
	token    string        // the server's bearer token
	readIDs  []string      // ids of stored incidents the clients read but never write
	prefix   string        // of the ids the clients create: unique to the run
	seed     uint64
}

// ackedWrite is the last acknowledged state of an incident a client created.
type ackedWrite struct {
	title   string
	deleted bool
	// uncertain marks an incident whose last write failed: it may or may
	// not have been applied, so there is nothing to check.
	uncertain bool
}

// latencies summarizes the durations of one kind of request.
type latencies struct{ p50, p99, max time.Duration }

func summarize(ds []time.Duration) latencies {
	if len(ds) == 0 {
		return latencies{}
	}
	slices.Sort(ds)
	rank := func(q float64) time.Duration { return ds[max(int(q*float64(len(ds))+0.5)-1, 0)] }
	return latencies{rank(0.50), rank(0.99), ds[len(ds)-1]}
}

// loadReport is what a mixed load run did.
type loadReport struct {
	requests, reads, writes, errors int64
	created, patched, deleted       int
	elapsed                         time.Duration
	perSecond                       float64
	read, write                     latencies
	failures                        []string // the first few errors
	prefix                          string   // of the ids the clients created
	acked                           map[string]ackedWrite
}

func (r loadReport) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("%d requests (%d reads, %d writes: %d created, %d patched, %d deleted) in %s: %.0f req/s, %d errors; "+
		"read p50 %s p99 %s max %s; write p50 %s p99 %s max %s",
		r.requests, r.reads, r.writes, r.created, r.patched, r.deleted, r.elapsed.Round(time.Millisecond), r.perSecond, r.errors,
		ms(r.read.p50), ms(r.read.p99), ms(r.read.max), ms(r.write.p50), ms(r.write.p99), ms(r.write.max))
}

// loadMixed runs opt.clients clients against the server at base (which
// must be on loopback) until opt.duration has passed or opt.max requests
// were sent. Each client reads with assorted filters and, in
// opt.writePct of its requests, writes: it creates incidents of its own
// and patches or deletes only those, so that no two clients ever race on
// one incident and every 412 is a bug.
func loadMixed(tb testing.TB, base string, opt loadOptions) loadReport {
	tb.Helper()
	if u, err := url.Parse(base); err != nil || net.ParseIP(u.Hostname()) == nil || !net.ParseIP(u.Hostname()).IsLoopback() {
		tb.Fatalf("load test against %q: only a loopback address is allowed", base)
	}
	if len(opt.readIDs) == 0 {
		tb.Fatal("load test with no ids to read")
	}
	hc := &fasthttp.Client{MaxConnsPerHost: opt.clients, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	var issued atomic.Int64
	clients := make([]*loadClient, opt.clients)
	start := time.Now()
	deadline := start.Add(opt.duration)
	var wg sync.WaitGroup
	for i := range clients {
		c := &loadClient{n: i, base: base, opt: &opt, hc: hc, acked: map[string]ackedWrite{},
			rng: rand.New(rand.NewPCG(opt.seed, uint64(i)))}
		clients[i] = c
		wg.Go(func() {
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for issued.Add(1) <= opt.max && time.Now().Before(deadline) {
				c.step(req, res)
			}
		})
	}
	wg.Wait()
	r := loadReport{elapsed: time.Since(start), prefix: opt.prefix, acked: map[string]ackedWrite{}}
	var reads, writes []time.Duration
	for _, c := range clients {
		reads, writes = append(reads, c.reads...), append(writes, c.writes...)
		r.errors += c.errors
		r.created, r.patched, r.deleted = r.created+c.created, r.patched+c.patched, r.deleted+c.deleted
		r.failures = append(r.failures, c.failures...)
		for id, w := range c.acked {
			r.acked[id] = w
		}
	}
	r.failures = r.failures[:min(len(r.failures), 10)]
	r.reads, r.writes = int64(len(reads)), int64(len(writes))
	r.requests = r.reads + r.writes
	r.perSecond = float64(r.requests) / r.elapsed.Seconds()
	r.read, r.write = summarize(reads), summarize(writes)
	return r
}

// ownIncident is an incident a client created and has not deleted.
type ownIncident struct {
	id, etag, title string
	rev             int
}

// loadClient is one client of loadMixed, with its own random source and
// its own incidents.
type loadClient struct {
	n                         int
	base                      string
	opt                       *loadOptions
	hc                        *fasthttp.Client
	rng                       *rand.Rand
	seq                       int
	live                      []ownIncident
	gone                      []string
	acked                     map[string]ackedWrite
	reads, writes             []time.Duration
	errors                    int64
	created, patched, deleted int
	failures                  []string
}

// loadTypes are the types and directions of the incidents the clients create.
var loadTypes = [][2]string{{"crossing", "north_to_south"}, {"shooting", "none"}, {"infiltration", "south_to_north"}, {"tunnel", "none"}}

// step sends one request, a read or a write.
func (c *loadClient) step(req *fasthttp.Request, res *fasthttp.Response) {
	req.Reset()
	res.Reset()
	if c.rng.IntN(100) < c.opt.writePct {
		c.write(req, res)
		return
	}
	year := 1960 + c.rng.IntN(65)
	target, want := "", http.StatusOK
	switch r := c.rng.IntN(100); {
	case r < 25:
		target = fmt.Sprintf("/api/incidents?year=%d&limit=50", year)
	case r < 40:
		lon, lat := 126.2+c.rng.Float64()*1.5, 37.7+c.rng.Float64()*0.4
		target = fmt.Sprintf("/api/incidents?from=%d&to=%d&bbox=%.3f,%.3f,%.3f,%.3f&limit=100", year-5, year, lon, lat, lon+0.6, lat+0.4)
	case r < 50:
		target = fmt.Sprintf("/api/incidents?type=%s&limit=20", loadTypes[c.rng.IntN(len(loadTypes))][0])
	case r < 65:
		target = "/api/incidents/" + c.opt.readIDs[c.rng.IntN(len(c.opt.readIDs))]
	case r < 75 && len(c.live) > 0:
		c.readOwn(req, res, c.live[c.rng.IntN(len(c.live))])
		return
	case r < 78 && len(c.gone) > 0:
		target, want = "/api/incidents/"+c.gone[c.rng.IntN(len(c.gone))], http.StatusNotFound
	case r < 86:
		target = "/api/years?type=crossing,shooting"
	case r < 94:
		target = fmt.Sprintf("/api/crossings?year=%d&limit=50", year)
	default:
		target = fmt.Sprintf("/api/export.geojson?year=%d&type=tunnel", year)
	}
	req.SetRequestURI(c.base + target)
	c.send(req, res, false, want)
}

// readOwn reads one of the client's incidents and checks it is as last
// written: an acknowledged write is seen by the next read.
func (c *loadClient) readOwn(req *fasthttp.Request, res *fasthttp.Response, in ownIncident) {
	req.SetRequestURI(c.base + "/api/incidents/" + in.id)
	if !c.send(req, res, false, http.StatusOK) {
		return
	}
	if etag := string(res.Header.Peek(fasthttp.HeaderETag)); etag != in.etag || !bytes.Contains(res.Body(), []byte(`"title":`+strconv.Quote(in.title))) {
		c.fail("GET /api/incidents/%s: ETag %s, want %s and the title %q, as last acknowledged; body %.300s", in.id, etag, in.etag, in.title, res.Body())
	}
}

// write creates an incident, or patches or deletes one the client created.
func (c *loadClient) write(req *fasthttp.Request, res *fasthttp.Response) {
	req.Header.Set(fasthttp.HeaderAuthorization, "Bearer "+c.opt.token)
	req.Header.Set(HeaderChangeReason, "mixed load test")
	r := c.rng.IntN(10)
	if len(c.live) == 0 || r < 5 {
		c.create(req, res)
		return
	}
	i := c.rng.IntN(len(c.live))
	in := &c.live[i]
	req.SetRequestURI(c.base + "/api/incidents/" + in.id)
	req.Header.Set(fasthttp.HeaderIfMatch, in.etag)
	if r < 9 {
		title := fmt.Sprintf("Load %s rev %d", in.id, in.rev+1)
		req.Header.SetMethod(fasthttp.MethodPatch)
		req.Header.SetContentType(ContentTypeMergePatch)
		req.SetBodyString(`{"properties":{"title":` + strconv.Quote(title) + `}}`)
		if !c.send(req, res, true, http.StatusOK) || !c.tookETag(res, in.id) {
			c.lost(i)
			return
		}
		in.etag, in.title, in.rev = string(res.Header.Peek(fasthttp.HeaderETag)), title, in.rev+1
		c.acked[in.id] = ackedWrite{title: title}
		c.patched++
		return
	}
	req.Header.SetMethod(fasthttp.MethodDelete)
	if !c.send(req, res, true, http.StatusNoContent) {
		c.lost(i)
		return
	}
	c.acked[in.id] = ackedWrite{deleted: true}
	c.gone = append(c.gone, in.id)
	c.live = slices.Delete(c.live, i, i+1)
	c.deleted++
}

// create posts a new incident with an id of the client's own.
func (c *loadClient) create(req *fasthttp.Request, res *fasthttp.Response) {
	c.seq++
	id := fmt.Sprintf("%s-%02d-%05d", c.opt.prefix, c.n, c.seq)
	title := fmt.Sprintf("Load %s rev 0", id)
	typ := loadTypes[c.rng.IntN(len(loadTypes))]
	body := fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[%.5f,%.5f]},"properties":{`+
		`"title":%q,"type":%q,"date":"%d-%02d-%02d","location_precision_m":500,"direction":%q,`+
		`"casualties":{"killed":0,"wounded":0},"summary":%q,`+
		`"sources":[{"title":"Load","url":"https://example.org/load","publisher":"Example"}],"confidence":"medium","tags":["load"]}}`,
		id, 126.3+c.rng.Float64()*2, 37.9+c.rng.Float64()*0.5, title, typ[0],
		1960+c.rng.IntN(65), 1+c.rng.IntN(12), 1+c.rng.IntN(28), typ[1], loadSummary)
	req.SetRequestURI(c.base + "/api/incidents")
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType(data.ContentTypeGeoJSON)
	req.SetBodyString(body)
	if !c.send(req, res, true, http.StatusCreated) || !c.tookETag(res, id) {
		c.acked[id] = ackedWrite{uncertain: true}
		return
	}
	c.live = append(c.live, ownIncident{id: id, etag: string(res.Header.Peek(fasthttp.HeaderETag)), title: title})
	c.acked[id] = ackedWrite{title: title}
	c.created++
}

// tookETag reports whether a write's answer carries an ETag to write with next.
func (c *loadClient) tookETag(res *fasthttp.Response, id string) bool {
	if len(res.Header.Peek(fasthttp.HeaderETag)) == 0 {
		c.fail("writing %s: the answer has no ETag", id)
		return false
	}
	return true
}

// lost forgets the client's i-th incident after a failed write, whose
// outcome is unknown.
func (c *loadClient) lost(i int) {
	c.acked[c.live[i].id] = ackedWrite{uncertain: true}
	c.live = slices.Delete(c.live, i, i+1)
}

// send sends req, times it as a read or a write, and reports whether it
// was answered want (or 304 for a 200).
func (c *loadClient) send(req *fasthttp.Request, res *fasthttp.Response, write bool, want int) bool {
	start := time.Now()
	err := c.hc.Do(req, res)
	if d := time.Since(start); write {
		c.writes = append(c.writes, d)
	} else {
		c.reads = append(c.reads, d)
	}
	switch status := res.StatusCode(); {
	case err != nil:
		c.fail("%s %s: %v", req.Header.Method(), req.URI().RequestURI(), err)
	case status != want && (want != http.StatusOK || status != http.StatusNotModified):
		c.fail("%s %s: status %d, want %d; body %.300s", req.Header.Method(), req.URI().RequestURI(), status, want, res.Body())
	default:
		return true
	}
	return false
}

func (c *loadClient) fail(format string, a ...any) {
	c.errors++
	if len(c.failures) < 3 {
		c.failures = append(c.failures, fmt.Sprintf(format, a...))
	}
}

// checkAcknowledged fails unless every write rep acknowledged is in store,
// read straight from it: each incident the clients created holds the title
// last acknowledged, and a query lists it with that title; each one deleted
// is gone, from Get, from the query and from base (404); and the count is
// before plus those created less those deleted.
func checkAcknowledged(tb testing.TB, store *data.Store, base string, rep loadReport, before int) {
	tb.Helper()
	listed := map[string]string{}
	_, err := store.Query(data.Filter{Text: loadSummary}, func(feature []byte) error {
		in, err := data.DecodeFeature(feature)
		if err == nil && strings.HasPrefix(in.ID, rep.prefix+"-") {
			listed[in.ID] = in.Title
		}
		return err
	})
	if err != nil {
		tb.Fatalf("querying the incidents the load created: %v", err)
	}
	wrong, uncertain, present := 0, 0, 0
	bad := func(format string, a ...any) {
		if wrong++; wrong <= 10 {
			tb.Errorf(format, a...)
		}
	}
	for id, w := range rep.acked {
		in, err := store.Get(id)
		title, isListed := listed[id]
		delete(listed, id)
		switch {
		case w.uncertain:
			uncertain++
		case w.deleted && data.ErrorKind(err) != data.KindNotFound:
			bad("%s: deleted and acknowledged, but Get gives %v", id, err)
		case w.deleted && isListed:
			bad("%s: deleted and acknowledged, but a query still lists it", id)
		case w.deleted:
			res, err := http.Get(base + "/api/incidents/" + id)
			if err != nil {
				bad("GET %s: %v", id, err)
				continue
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				bad("GET %s: status %d, want 404 after its acknowledged delete", id, res.StatusCode)
			}
		case err != nil:
			bad("%s: written and acknowledged, but Get gives %v", id, err)
		case in.Title != w.title:
			bad("%s: title %q, want %q, the last acknowledged", id, in.Title, w.title)
		case !isListed:
			bad("%s: written and acknowledged, but a query does not list it", id)
		case title != w.title:
			bad("%s: a query lists it with the title %q, want %q, the last acknowledged", id, title, w.title)
		default:
			present++
		}
	}
	for id := range listed {
		bad("%s: listed by a query, but no client was told it was written", id)
	}
	if wrong > 10 {
		tb.Errorf("... %d acknowledged writes in all are not in the store as acknowledged", wrong)
	}
	if n, _ := store.Count(); uncertain == 0 && n != before+present {
		tb.Errorf("the store holds %d incidents, want %d: %d before and %d created and not deleted", n, before+present, before, present)
	}
}

// sampleIDs returns the ids of up to n incidents of store.
func sampleIDs(tb testing.TB, store *data.Store, n int) []string {
	tb.Helper()
	var ids []string
	_, err := store.Query(data.Filter{Limit: n}, func(feature []byte) error {
		in, err := data.DecodeFeature(feature)
		if err == nil {
			ids = append(ids, in.ID)
		}
		return err
	})
	if err != nil || len(ids) == 0 {
		tb.Fatalf("sampling ids: %d, %v", len(ids), err)
	}
	return ids
}

// TestLoadMixed runs 16 clients for at most 3 s and 3000 requests, 90%
// reads with assorted filters and 10% writes (creates, patches with
// If-Match, deletes), against a real loopback listener over a bbolt store
// of the fixture. It wants no error at all, every client to read its own
// writes, and every acknowledged write in the store afterwards.
func TestLoadMixed(t *testing.T) {
	s, store, _ := newConfigServer(t, Config{Token: loadToken, WriteRateLimit: 0}, fixture(loadMDL(t)))
	base := "http://" + listen(t, s)
	before, _ := store.Count()
	rep := loadMixed(t, base, loadOptions{clients: 16, duration: 3 * time.Second, max: 3000, writePct: 10,
		token: loadToken, readIDs: sampleIDs(t, store, 100), prefix: "load", seed: 1})
	t.Logf("%v", rep)
	if rep.errors != 0 {
		t.Errorf("%d errors; the first:\n%s", rep.errors, strings.Join(rep.failures, "\n"))
	}
	if rep.writes < 100 || rep.created < 20 || rep.patched < 20 || rep.deleted < 2 {
		t.Errorf("%d writes (%d created, %d patched, %d deleted): want at least 100 (20, 20, 2)", rep.writes, rep.created, rep.patched, rep.deleted)
	}
	checkAcknowledged(t, store, base, rep, before)
}

// BenchmarkLoadMixed runs 64 clients for 10 s (at most 200,000 requests),
// 90% reads and 10% writes as in TestLoadMixed, against a copy of the
// database of 100,000 synthetic incidents that benchServer keeps, and
// reports the requests per second, the errors, the read and write latency
// (p50, p99) and the writes made. It fails on any error or lost write.
func BenchmarkLoadMixed(b *testing.B) {
	shared, _ := benchServer(b, 100000, nil)
	path := filepath.Join(b.TempDir(), "load.db")
	f, err := os.Create(path)
	if err == nil {
		_, err = shared.store.(*data.Store).Backup(f)
		err = cmp.Or(err, f.Close())
	}
	if err != nil {
		b.Fatalf("copying the benchmark database: %v", err)
	}
	mdl := loadMDL(b)
	store, err := data.Open(path, mdl, data.Options{})
	if err != nil {
		b.Fatalf("opening the copy: %v", err)
	}
	b.Cleanup(func() { store.Close() })
	s := New(store, mdl, nil, Config{Token: loadToken})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listening: %v", err)
	}
	b.Cleanup(func() { s.App().Shutdown() })
	go s.Listen(ln)
	base := "http://" + ln.Addr().String()
	readIDs := sampleIDs(b, store, 1000)
	run := 0
	for b.Loop() {
		run++
		before, _ := store.Count()
		rep := loadMixed(b, base, loadOptions{clients: 64, duration: 10 * time.Second, max: 200000, writePct: 10,
			token: loadToken, readIDs: readIDs, prefix: fmt.Sprintf("load%d", run), seed: uint64(run)})
		b.Logf("%v", rep)
		if rep.errors != 0 {
			b.Errorf("%d errors; the first:\n%s", rep.errors, strings.Join(rep.failures, "\n"))
		}
		checkAcknowledged(b, store, base, rep, before)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(rep.perSecond, "req/s")
		b.ReportMetric(float64(rep.errors), "errors")
		b.ReportMetric(ms(rep.read.p50), "read-p50-ms")
		b.ReportMetric(ms(rep.read.p99), "read-p99-ms")
		b.ReportMetric(ms(rep.write.p50), "write-p50-ms")
		b.ReportMetric(ms(rep.write.p99), "write-p99-ms")
		b.ReportMetric(float64(rep.writes), "writes")
	}
}
