//go:build linux

package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data/datatest"
)

// procStatus returns a field of /proc/PID/status in MB, such as VmRSS or
// VmHWM (the peak resident set size).
func procStatus(b *testing.B, pid int, field string) float64 {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1000
		}
	}
	b.Fatalf("/proc/%d/status has no %s", pid, field)
	return 0
}

// export downloads every incident as GeoJSON from base with the given
// Accept-Encoding, decoding gzip, and returns the size of the document
// and how long it took.
func export(b *testing.B, client *http.Client, base, encoding string) (int64, time.Duration) {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/export.geojson", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", encoding)
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != strings.TrimSuffix(encoding, "identity") {
		b.Fatalf("export with %s: %s, Content-Encoding %q", encoding, res.Status, res.Header.Get("Content-Encoding"))
	}
	var body io.Reader = res.Body
	if encoding == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			b.Fatal(err)
		}
		body = zr
	}
	n, err := io.Copy(io.Discard, body)
	if err != nil {
		b.Fatal(err)
	}
	return n, time.Since(start)
}

// goSys returns go_memstats_sys_bytes from base's /metrics, in MB.
func goSys(b *testing.B, client *http.Client, base string) float64 {
	b.Helper()
	return goMetric(b, client, base, "go_memstats_sys_bytes")
}

// goMetric returns the metric name of base's /metrics, in MB.
func goMetric(b *testing.B, client *http.Client, base, name string) float64 {
	b.Helper()
	res, err := client.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n / 1e6
		}
	}
	b.Fatalf("/metrics has no %s", name)
	return 0
}

// BenchmarkServe runs dmzmap serve as a process of its own on databases of
// n synthetic incidents and reports:
//   - first-answer-ms: from starting the process to its first answer of
//     /api/incidents?limit=1 (the database opened and its index rebuilt);
//   - export-MB/s and export-MB: GET /api/export.geojson of every incident
//     over loopback, uncompressed, read as fast as it comes;
//   - gzip-export-MB/s: the same export gzipped (as browsers ask for it),
//     in MB of GeoJSON decoded a second;
//   - rss-MB: the server's resident memory before the export;
//   - anon-rss-MB: the anonymous part of it (RssAnon), without the pages
//     of the database file that bbolt maps: the index and the heap;
//   - export-go-sys-growth-MB: how much memory the Go runtime took from the
//     system while the export ran (go_memstats_sys_bytes of /metrics before
//     and after: it only grows, so this bounds the export's peak);
//   - export-anon-rss-growth-MB: the highest anonymous resident memory
//     (RssAnon, sampled every 5 ms) during the export, above what it was;
//   - queried-anon-rss-MB: RssAnon after the exports and then 4,000
//     pages of jittered boxes (queryJittered): the index with the sums
//     made as queries need them, and the cache of Features filled; and
//     queried-heap-live-MB, what of the heap the last collection then
//     found live (the rest of the heap is garbage the next one frees:
//     GOGC lets it grow to twice the live heap, GOMEMLIMIT bounds it);
//   - export-peak-rss-growth-MB: how far the export raised the process's
//     peak resident memory (VmHWM, reset just before the export through
//     /proc/PID/clear_refs) above rss-MB. This counts the pages of the
//     database file that bbolt's read-only mmap maps as the export reads
//     them: page cache, shared and reclaimable, not memory the server
//     allocates.
func BenchmarkServe(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			db := datatest.SyntheticDB(b, n)
			exe := binary(b)
			client := &http.Client{Timeout: 10 * time.Minute}
			for b.Loop() {
				began := time.Now()
				c := startChild(b, childEnv(), "serve", "--addr", "127.0.0.1:0", "--db", db, "--db-timeout", "1m")
				var base string
				for {
					if base == "" {
						if m := listening.FindStringSubmatch(c.stderr.String()); m != nil {
							base = "http://" + m[1]
						}
					}
					if base != "" {
						if res, err := client.Get(base + "/api/incidents?limit=1"); err == nil {
							res.Body.Close()
							if res.StatusCode == http.StatusOK {
								break
							}
						}
					}
					if time.Since(began) > time.Minute {
						b.Fatalf("%s serve did not answer within a minute\n%s", exe, c.stderr)
					}
					time.Sleep(2 * time.Millisecond)
				}
				firstAnswer := time.Since(began)

				pid := c.cmd.Process.Pid
				rss, anon := procStatus(b, pid, "VmRSS"), procStatus(b, pid, "RssAnon")
				sys := goSys(b, client, base)
				if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
					b.Fatalf("resetting the peak RSS: %v", err)
				}
				peakAnon := make(chan float64)
				stop := make(chan struct{})
				go func() {
					peak := anon
					for {
						select {
						case <-stop:
							peakAnon <- peak
							return
						case <-time.After(5 * time.Millisecond):
							peak = max(peak, procStatus(b, pid, "RssAnon"))
						}
					}
				}()
				size, elapsed := export(b, client, base, "identity")
				close(stop)
				anonGrowth := <-peakAnon - anon
				peak := procStatus(b, pid, "VmHWM")
				sysGrowth := goSys(b, client, base) - sys
				gzSize, gzElapsed := export(b, client, base, "gzip")
				if gzSize != size {
					b.Fatalf("the gzip export decodes to %d bytes, the plain one is %d", gzSize, size)
				}

				queried := queryJittered(b, client, base, 4000)
				queriedAnon := procStatus(b, pid, "RssAnon")
				queriedLive := goMetric(b, client, base, "go_gc_heap_live_bytes")

				c.cmd.Process.Signal(syscall.SIGTERM)
				if st := c.wait(b, time.Minute); !st.Success() {
					b.Fatalf("serve ended with %v\n%s", st, c.stderr)
				}
				b.ReportMetric(float64(queried), "queries")
				b.ReportMetric(queriedAnon, "queried-anon-rss-MB")
				b.ReportMetric(queriedLive, "queried-heap-live-MB")
				b.ReportMetric(float64(firstAnswer.Milliseconds()), "first-answer-ms")
				b.ReportMetric(float64(size)/1e6/elapsed.Seconds(), "export-MB/s")
				b.ReportMetric(float64(size)/1e6/gzElapsed.Seconds(), "gzip-export-MB/s")
				b.ReportMetric(float64(size)/1e6, "export-MB")
				b.ReportMetric(rss, "rss-MB")
				b.ReportMetric(anon, "anon-rss-MB")
				b.ReportMetric(max(peak-rss, 0), "export-peak-rss-growth-MB")
				b.ReportMetric(anonGrowth, "export-anon-rss-growth-MB")
				b.ReportMetric(sysGrowth, "export-go-sys-growth-MB")
			}
		})
	}
}

// queryJittered sends n GETs from four connections, each of a page of 100
// in a box around 126.5,37.7,127.5,38.4 with every edge moved by up to
// 0.3° (as BenchmarkLoadJitteredBBox in server), in turn to /api/incidents
// and to OGC items, alone, over ten years and with type=crossing, and
// returns how many were answered 200.
func queryJittered(b *testing.B, client *http.Client, base string, n int) int {
	b.Helper()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		r := rand.New(rand.NewPCG(uint64(w), 15))
		wg.Go(func() {
			for i := range n / 4 {
				j := func(v float64) float64 { return v + (r.Float64()*2-1)*0.3 }
				bbox := fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", j(126.5), j(37.7), j(127.5), j(38.4))
				y := 1953 + r.IntN(63)
				target := [...]string{
					"/api/incidents?limit=100&bbox=" + bbox,
					"/ogc/collections/incidents/items?limit=100&bbox=" + bbox,
					fmt.Sprintf("/api/incidents?limit=100&bbox=%s&from=%d&to=%d", bbox, y, y+9),
					fmt.Sprintf("/ogc/collections/incidents/items?limit=100&bbox=%s&datetime=%d-01-01/%d-12-31", bbox, y, y+9),
					"/api/incidents?limit=100&type=crossing&bbox=" + bbox,
					"/ogc/collections/incidents/items?limit=100&type=crossing&bbox=" + bbox,
				}[i%6]
				res, err := client.Get(base + target)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(ok.Load())
}
