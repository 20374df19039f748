package server

import (
	"bytes"
	"encoding/json"
	"net"
	"testing"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// linksCheck answers GET /ogc/collections/incidents/items?raw on host in
// process and returns the links appendItemsLinks writes and those
// json.Marshal writes of itemsLinks, for the page f and res give.
func linksCheck(t testing.TB, host, raw, public string, f data.Filter, res data.Result) (got, want []byte) {
	t.Helper()
	app := fiber.New()
	app.Get("/ogc/collections/:id/items", func(c *fiber.Ctx) error {
		if public != "" {
			c.Locals(publicURLKey, public)
		}
		path := "/ogc/collections/incidents/items"
		got, _ = appendItemsLinks(nil, nil, c, path, f, res)
		lj, err := json.Marshal(itemsLinks(c, path, false, f, res))
		want = append([]byte(`,"links":`), lj...)
		return err
	})
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, nil)
	ctx.Request.Header.SetMethod(fiber.MethodGet)
	ctx.Request.Header.SetHost(host)
	ctx.Request.SetRequestURI("/ogc/collections/incidents/items?" + raw)
	app.Handler()(&ctx)
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("GET ?%s: %d %s", raw, ctx.Response.StatusCode(), ctx.Response.Body())
	}
	return got, want
}

func TestAppendItemsLinks(t *testing.T) {
	queries := []string{
		"",
		"bbox=126.5,37.7,127.5,38.4&limit=100",
		"bbox=126.5%2C37.7%2C127.5%2C38.4&limit=10&offset=20",
		"f=json&offset=5&f=html&limit=2",
		"f&offset&limit=3&&x=1",
		"datetime=2017-01-01T00%3A00%3A00Z%2F..&filter=title%20LIKE%20%27%25a%25%27",
		"q=a+b&filter=type%3D%27crossing%27%20AND%20year%3E1990",
		"bad=%zz&f%=1&offset%2=3&%66=html&o%66fset=9",
		"x=<script>&y=\"quoted\"&z=a\\b&w=%E2%80%A8&v=%FF%FE",
		"name=%ED%8C%90%EB%AC%B8%EC%A0%90&t=판문점",
		"sortby=-date&properties=title,date&limit=1",
	}
	pages := []struct {
		f   data.Filter
		res data.Result
	}{
		{data.Filter{Limit: 100}, data.Result{Matched: 50, Returned: 50}},
		{data.Filter{Limit: 10, Offset: 20}, data.Result{Matched: 100, Returned: 10}},
		{data.Filter{Limit: 10, Offset: 5}, data.Result{Matched: 12, Returned: 7}},
		{data.Filter{Limit: 0, Offset: 3}, data.Result{Matched: 12, Returned: 9}},
	}
	for _, public := range []string{"", "https://dmz.example.org"} {
		for _, raw := range queries {
			for _, p := range pages {
				got, want := linksCheck(t, "127.0.0.1:8080", raw, public, p.f, p.res)
				if !bytes.Equal(got, want) {
					t.Errorf("?%s (offset %d, limit %d, public %q):\n got %s\nwant %s", raw, p.f.Offset, p.f.Limit, public, got, want)
				}
			}
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "a&b<c>d", "\"\\\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe a \xe2\x80", "판문점 ✓"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, []byte(s)); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s; want %s", s, got, want)
		}
	}
}

func FuzzAppendItemsLinks(f *testing.F) {
	f.Add("bbox=126.5,37.7,127.5,38.4&limit=100", 100, 0, 500)
	f.Add("f=html&offset=%zz&%66=1", 10, 20, 25)
	f.Add("x=%E2%80%A8&y=<&z=\xff", 0, 3, 9)
	f.Fuzz(func(t *testing.T, raw string, limit, offset, matched int) {
		if limit < 0 || offset < 0 || matched < 0 || limit > 1e6 || offset > 1e6 {
			return
		}
		want, _ := json.Marshal(raw)
		if got := appendJSONString(nil, []byte(raw)); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s; want %s", raw, got, want)
		}
		var u fasthttp.URI
		if u.Parse(nil, []byte("/x?"+raw)) != nil || string(u.QueryString()) != raw {
			return // not a query string the server would see as it is
		}
		got, want := linksCheck(t, "127.0.0.1", raw, "", data.Filter{Limit: limit, Offset: offset}, data.Result{Matched: matched})
		if !bytes.Equal(got, want) {
			t.Fatalf("?%q:\n got %s\nwant %s", raw, got, want)
		}
	})
}
