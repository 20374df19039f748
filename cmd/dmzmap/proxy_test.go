package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeProxyFlags(t *testing.T) {
	for _, tc := range []struct{ name, flag, value string }{
		{"bad CIDR", "--trusted-proxy", "10.0.0.0/33"},
		{"not an address", "--trusted-proxy", "10.0.0.1,proxy.example"},
		{"relative URL", "--public-url", "/map"},
		{"ftp URL", "--public-url", "ftp://dmz.example.org"},
		{"URL with a query", "--public-url", "https://dmz.example.org/?a=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db"), tc.flag, tc.value},
				envOf(nil), io.Discard, io.Discard)
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.flag) {
				t.Errorf("serve %s %q: %v, want a usage error naming the flag", tc.flag, tc.value, err)
			}
		})
	}

	// From the environment: the public URL is the links' base, and loopback,
	// trusted, has its X-Forwarded-For believed in the log.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, logs := start(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db")},
		envOf(map[string]string{"DMZMAP_PUBLIC_URL": "https://dmz.example.org/", "DMZMAP_TRUSTED_PROXY": "127.0.0.1, ::1"}))
	req, _ := http.NewRequest("GET", "http://"+addr+"/ogc", nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.4")
	req.Header.Set("X-Forwarded-Host", "evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"https://dmz.example.org/ogc"`) || strings.Contains(string(b), "evil.example") || strings.Contains(string(b), addr) {
		t.Errorf("/ogc with DMZMAP_PUBLIC_URL links elsewhere: %.400s", b)
	}
	cancel()
	<-done
	if !strings.Contains(logs.String(), "ip=198.51.100.4") {
		t.Errorf("the log does not name the forwarded client:\n%s", logs.String())
	}
}
