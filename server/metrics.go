package server

import (
	"bytes"
	"fmt"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// ContentTypeMetrics is the Prometheus text exposition format.
const ContentTypeMetrics = "text/plain; version=0.0.4; charset=utf-8"

// latencyBuckets are the upper bounds, in seconds, of the request duration
// histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// storeStats is what the metrics read of the store when it has it.
type storeStats interface {
	// Count returns the number of incidents.
	Count() (int, error)
	// Size returns the database file's size in bytes.
	Size() (int64, error)
}

type requestKey struct {
	route, method string
	status        int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// metrics counts requests by route pattern, method and status, and their
// durations by route. Labels come from the registered routes, so their
// number is bounded.
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]uint64{}, latency: map[string]*histogram{}}
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	sec := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, sec)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, status}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[route] = h
	}
	h.counts[i]++
	h.sum += sec
	h.n++
}

// write appends the metrics in the text exposition format, sorted.
func (m *metrics) write(b *bytes.Buffer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		if c := strings.Compare(a.method, b.method); c != 0 {
			return c
		}
		return a.status - b.status
	})
	b.WriteString("# HELP dmzmap_http_requests_total HTTP requests answered, by route pattern, method and status.\n")
	b.WriteString("# TYPE dmzmap_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(b, "dmzmap_http_requests_total{route=%s,method=%s,status=\"%d\"} %d\n",
			labelValue(k.route), labelValue(k.method), k.status, m.requests[k])
	}

	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	b.WriteString("# HELP dmzmap_http_request_duration_seconds Time to answer a request, by route pattern (for a streamed export, until the stream starts).\n")
	b.WriteString("# TYPE dmzmap_http_request_duration_seconds histogram\n")
	for _, r := range routes {
		h, lv := m.latency[r], labelValue(r)
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "dmzmap_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", lv, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(b, "dmzmap_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", lv, h.n)
		fmt.Fprintf(b, "dmzmap_http_request_duration_seconds_sum{route=%s} %s\n", lv, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(b, "dmzmap_http_request_duration_seconds_count{route=%s} %d\n", lv, h.n)
	}
}

// labelValue quotes a label value as the exposition format escapes it.
func labelValue(s string) string {
	return `"` + labelEscaper.Replace(s) + `"`
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// GET /metrics
func (s *Server) handleMetrics(c *fiber.Ctx) error {
	var b bytes.Buffer
	s.metrics.write(&b)
	if st, ok := s.store.(storeStats); ok {
		if size, err := st.Size(); err == nil {
			b.WriteString("# HELP dmzmap_db_size_bytes Size of the database file.\n# TYPE dmzmap_db_size_bytes gauge\n")
			fmt.Fprintf(&b, "dmzmap_db_size_bytes %d\n", size)
		} else {
			s.log.Warn("metrics: database size", "err", err)
		}
		if n, err := st.Count(); err == nil {
			b.WriteString("# HELP dmzmap_incidents Incidents in the database.\n# TYPE dmzmap_incidents gauge\n")
			fmt.Fprintf(&b, "dmzmap_incidents %d\n", n)
		} else {
			s.log.Warn("metrics: incident count", "err", err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.WriteString("# HELP go_memstats_sys_bytes Bytes of memory the Go runtime has obtained from the system.\n# TYPE go_memstats_sys_bytes gauge\n")
	fmt.Fprintf(&b, "go_memstats_sys_bytes %d\n", ms.Sys)
	b.WriteString("# HELP go_memstats_heap_inuse_bytes Bytes in in-use heap spans.\n# TYPE go_memstats_heap_inuse_bytes gauge\n")
	fmt.Fprintf(&b, "go_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	live := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(live)
	if live[0].Value.Kind() == rtmetrics.KindUint64 {
		b.WriteString("# HELP go_gc_heap_live_bytes Bytes of heap objects the last garbage collection found live: what the index, the caches and requests hold.\n# TYPE go_gc_heap_live_bytes gauge\n")
		fmt.Fprintf(&b, "go_gc_heap_live_bytes %d\n", live[0].Value.Uint64())
	}
	c.Set(fiber.HeaderContentType, ContentTypeMetrics)
	return c.Send(b.Bytes())
}
