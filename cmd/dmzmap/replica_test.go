//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReplicasFollowThePrimary runs a primary and two replicas as
// processes on loopback, writes to the primary and waits for the write on
// both replicas, while readers keep asking the replicas: no read may fail
// while a replica swaps its copy.
func TestReplicasFollowThePrimary(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("replica-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := childEnv()
	_, primary := serveChild(t, env, "--db", filepath.Join(dir, "primary.db"), "--token-file", tokenFile, "--write-rate", "0")
	const interval = 300 * time.Millisecond
	var replicas []string
	for i := range 2 {
		_, addr := serveChild(t, env, "--db", filepath.Join(dir, fmt.Sprintf("replica%d.db", i)),
			"--follow", "http://"+primary, "--token-file", tokenFile, "--follow-interval", interval.String())
		replicas = append(replicas, addr)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	count := func(addr string) (int, error) {
		res, err := client.Get("http://" + addr + "/api/incidents?limit=1")
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		var fc struct {
			NumberMatched *int `json:"numberMatched"`
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %d %s", addr, res.StatusCode, b)
		}
		if err := json.Unmarshal(b, &fc); err != nil || fc.NumberMatched == nil {
			return 0, fmt.Errorf("%s: not a collection with numberMatched: %.200s", addr, b)
		}
		return *fc.NumberMatched, nil
	}
	seeded, err := count(primary)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas {
		if n, err := count(r); err != nil || n != seeded {
			t.Fatalf("replica %s holds %d incidents (%v), the primary %d", r, n, err, seeded)
		}
	}

	// Readers on both replicas for the whole test.
	stop := make(chan struct{})
	var reads, failed atomic.Int64
	var firstFail atomic.Value
	var wg sync.WaitGroup
	for _, r := range replicas {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := count(r); err != nil {
						failed.Add(1)
						firstFail.CompareAndSwap(nil, err.Error())
					}
					reads.Add(1)
				}
			}()
		}
	}

	// Writes to a replica are refused, naming the primary.
	req, _ := http.NewRequest(http.MethodDelete, "http://"+replicas[0]+"/api/incidents/2017-11-13-jsa-defection", nil)
	req.Header.Set("Authorization", "Bearer replica-token")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), primary) {
		t.Errorf("DELETE on a replica: %d %s, want a 403 that names the primary %s", res.StatusCode, b, primary)
	}

	for round := range 3 {
		body := fmt.Sprintf(`{"type":"Feature","id":"2026-11-30-replica-test-%d","geometry":{"type":"Point","coordinates":[126.9,38.0]},
			"properties":{"title":"Written to the primary","type":"other","date":"2026-11-30","date_precision":"day",
			"location_precision_m":1000,"place":"Test","direction":"none","summary":"A test incident.",
			"sources":[{"title":"Test","url":"https://example.org/a","publisher":"Test"}],"confidence":"low","tags":[]}}`, round)
		req, _ := http.NewRequest(http.MethodPost, "http://"+primary+"/api/incidents", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer replica-token")
		req.Header.Set("Content-Type", "application/geo+json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST to the primary: %d", res.StatusCode)
		}
		written := time.Now()
		for _, r := range replicas {
			for {
				n, err := count(r)
				if err == nil && n == seeded+round+1 {
					break
				}
				if time.Since(written) > 5*interval+2*time.Second {
					t.Fatalf("round %d: replica %s holds %d incidents %v after the write (%v), want %d",
						round, r, n, time.Since(written), err, seeded+round+1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		t.Logf("round %d: both replicas had the write %v after it was acknowledged", round, time.Since(written).Round(time.Millisecond))
	}
	close(stop)
	wg.Wait()
	t.Logf("%d reads on the replicas during the swaps", reads.Load())
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d reads on the replicas failed; the first: %v", n, reads.Load(), firstFail.Load())
	}

	// /readyz says whose copy it is and how old.
	res, err = client.Get("http://" + replicas[1] + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Status  string
		Changes uint64
		Replica struct {
			Primary    string
			Copied     string
			AgeSeconds *int64 `json:"age_seconds"`
		}
	}
	json.NewDecoder(res.Body).Decode(&ready)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || ready.Replica.Primary != "http://"+primary || ready.Replica.AgeSeconds == nil || ready.Replica.Copied == "" {
		t.Errorf("a replica's /readyz: %d %+v", res.StatusCode, ready)
	}
}
