package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// getWith sends a GET to url with headers over a real connection.
func getWith(t *testing.T, url string, headers ...string) response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

// selfLink is the href of the self link of an OGC API document.
func selfLink(t *testing.T, r response) string {
	t.Helper()
	var doc struct{ Links []struct{ Href, Rel string } }
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("%v: %.200s", err, r.body)
	}
	for _, l := range doc.Links {
		if l.Rel == "self" {
			return l.Href
		}
	}
	t.Fatalf("no self link in %.300s", r.body)
	return ""
}

// TestForwardedHeadersOnlyFromTrustedProxies sends X-Forwarded-For, -Host
// and -Proto over loopback: ignored unless loopback is a trusted proxy;
// with --public-url every link starts with it whatever the headers say.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	forged := []string{"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.7, 198.51.100.9"}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cases := []struct {
		name      string
		cfg       Config
		wantLink  string // prefix; "" for the listener's own address
		wantIP    string
		notLogged string
	}{
		{"no trusted proxy", Config{}, "", "127.0.0.1", "198.51.100.9"},
		{"another proxy trusted", Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, "", "127.0.0.1", "198.51.100.9"},
		{"loopback trusted", Config{TrustedProxies: loopback}, "https://evil.example/ogc", "198.51.100.9", "203.0.113.7"},
		{"public URL", Config{PublicURL: "https://dmz.example.org/map"}, "https://dmz.example.org/map/ogc", "127.0.0.1", "198.51.100.9"},
		{"public URL behind a trusted proxy", Config{TrustedProxies: loopback, PublicURL: "https://dmz.example.org"}, "https://dmz.example.org/ogc", "198.51.100.9", "203.0.113.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _, logs := newConfigServer(t, tc.cfg, fixture(loadMDL(t)))
			addr := listen(t, s)
			want := tc.wantLink
			if want == "" {
				want = "http://" + addr + "/ogc"
			}
			for _, path := range []string{"/ogc", "/ogc/collections", "/ogc/collections/incidents/items?limit=1"} {
				r := getWith(t, "http://"+addr+path, forged...)
				if r.status != http.StatusOK {
					t.Fatalf("GET %s: %d %.200s", path, r.status, r.body)
				}
				if got := selfLink(t, r); !strings.HasPrefix(got, want) {
					t.Errorf("GET %s: self link %q, want it under %q", path, got, want)
				}
				if strings.Contains(string(r.body), "evil.example") && !strings.HasPrefix(want, "https://evil.example") {
					t.Errorf("GET %s: the answer links to the forged host: %.300s", path, r.body)
				}
			}
			log := logs.String()
			if !strings.Contains(log, "ip="+tc.wantIP) {
				t.Errorf("the log does not name the client %s:\n%s", tc.wantIP, log)
			}
			if strings.Contains(log, tc.notLogged) {
				t.Errorf("the log names %s, an address the client claimed:\n%s", tc.notLogged, log)
			}
		})
	}
}

// TestFailedAuthSpendsItsOwnBudget: writes with a wrong token from an
// address use up that address's failures, not the token holder's writes;
// behind a trusted proxy each forwarded client has its own budget, and a
// forged X-Forwarded-For from an untrusted peer changes nothing.
func TestFailedAuthSpendsItsOwnBudget(t *testing.T) {
	const limit = 3
	post := func(t *testing.T, addr, token string, headers ...string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/incidents", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	t.Run("direct", func(t *testing.T) {
		s, _, _ := newConfigServer(t, Config{Token: hostileToken, WriteRateLimit: limit}, fixture(loadMDL(t)))
		addr := listen(t, s)
		for i := range limit + 3 {
			want := http.StatusUnauthorized
			if i >= limit {
				want = http.StatusTooManyRequests
			}
			// A forged X-Forwarded-For from an untrusted peer is ignored:
			// every attempt counts against 127.0.0.1.
			if got := post(t, addr, "wrong-token", "X-Forwarded-For", "192.0.2."+string(rune('1'+i))); got != want {
				t.Fatalf("wrong token, attempt %d: %d, want %d", i+1, got, want)
			}
		}
		for i := range limit {
			if got := post(t, addr, hostileToken); got != http.StatusUnprocessableEntity {
				t.Fatalf("the token holder's write %d after the failures: %d, want 422 (its own budget)", i+1, got)
			}
		}
		if got := post(t, addr, hostileToken); got != http.StatusTooManyRequests {
			t.Errorf("the token holder's write over its limit: %d, want 429", got)
		}
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		s, _, _ := newConfigServer(t, Config{Token: hostileToken, WriteRateLimit: limit,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, fixture(loadMDL(t)))
		addr := listen(t, s)
		for i := range limit + 1 {
			post(t, addr, hostileToken, "X-Forwarded-For", "198.51.100.1")
			_ = i
		}
		if got := post(t, addr, hostileToken, "X-Forwarded-For", "198.51.100.1"); got != http.StatusTooManyRequests {
			t.Errorf("client 198.51.100.1 over its limit: %d, want 429", got)
		}
		if got := post(t, addr, hostileToken, "X-Forwarded-For", "198.51.100.2"); got != http.StatusUnprocessableEntity {
			t.Errorf("client 198.51.100.2 through the same proxy: %d, want 422 (its own budget)", got)
		}
		// A client cannot pick its budget by prefixing its own claim: the
		// proxy appends the real address, which is what counts.
		if got := post(t, addr, hostileToken, "X-Forwarded-For", "198.51.100.2, 198.51.100.1"); got != http.StatusTooManyRequests {
			t.Errorf("client 198.51.100.1 claiming to be .2: %d, want 429", got)
		}
	})
}
