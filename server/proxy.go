package server

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// trusts says whether addr, a peer's address, is one of the trusted
// proxies of Config.TrustedProxies.
func (s *Server) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// clientIP is the address of the client a request comes from: the peer's,
// unless the peer is a trusted proxy; then the rightmost address of
// X-Forwarded-For that is not itself a trusted proxy (each proxy appends
// the address it got the request from, so the addresses left of the last
// untrusted one are the client's own claims). The rate limits and the log
// use it.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if !s.trusts(peer) {
		return peer.String()
	}
	var hops []string
	c.Request().Header.VisitAll(func(k, v []byte) {
		if strings.EqualFold(string(k), fiber.HeaderXForwardedFor) {
			hops = append(hops, strings.Split(string(v), ",")...)
		}
	})
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !s.trusts(client) {
			break
		}
	}
	return client.String()
}

// publicURLKey is where a request's locals keep Config.PublicURL, for href.
const publicURLKey = "dmzmap.publicurl"

// trustedProxies lists prefixes as Fiber's Config.TrustedProxies wants them.
func trustedProxies(prefixes []netip.Prefix) []string {
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = p.String()
	}
	return out
}
