package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// writesOff is the detail of the 403 every write gets when no token is set.
const writesOff = "writes are switched off on this server: start dmzmap with --token-file FILE or DMZMAP_TOKEN to enable them"

// replicaRefusal is the detail of the 403 every write gets on a replica.
func replicaRefusal(primary string) string {
	return "this server is a read-only replica of " + primary + ": send writes (and backups) to " + primary
}

// authorize returns the handler that lets a write through only with the
// bearer token of Config.Token. With no token set every write is refused
// (403); a missing or wrong token is a 401 with WWW-Authenticate. The token
// is compared as a SHA-256 digest in constant time, so neither its bytes
// nor its length leak through timing, and it is never logged.
func (s *Server) authorize() fiber.Handler {
	if s.cfg.Primary != "" {
		return func(c *fiber.Ctx) error {
			return &data.Error{Kind: data.KindForbidden, Message: replicaRefusal(s.cfg.Primary)}
		}
	}
	if s.cfg.Token == "" {
		return func(c *fiber.Ctx) error {
			return &data.Error{Kind: data.KindForbidden, Message: writesOff}
		}
	}
	want := sha256.Sum256([]byte(s.cfg.Token))
	return func(c *fiber.Ctx) error {
		token, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="dmzmap"`)
			return &data.Error{Kind: data.KindUnauthorized,
				Message: "this request writes: send the server's token in the header Authorization: Bearer TOKEN"}
		}
		got := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="dmzmap", error="invalid_token"`)
			return &data.Error{Kind: data.KindUnauthorized, Message: "the bearer token is not this server's token"}
		}
		return c.Next()
	}
}

// tokenOK says whether a request carries the server's bearer token.
func (s *Server) tokenOK(c *fiber.Ctx) bool {
	token, ok := bearer(c.Get(fiber.HeaderAuthorization))
	if s.cfg.Token == "" || !ok {
		return false
	}
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.cfg.Token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// bearer returns the token of an Authorization header of the Bearer
// scheme (RFC 6750), whose name is case-insensitive.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
