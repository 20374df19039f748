package server

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Fixed details of the answers to requests refused at the edge: they never
// quote the request, whose headers may carry a token.
const (
	detailMalformed = "the request could not be read: its request line, headers or framing are malformed"
	detailMethod    = "the request method is not one this server implements"
)

// guardEdge wraps the app's fasthttp handler with the checks fasthttp does
// not make, before Fiber sees the request: a request whose framing a proxy
// in front could read differently (RFC 9112 section 6) is answered 400 and
// its connection closed, so that nothing after it on the connection is read
// as another request; a method the server does not implement is answered
// 501. Both are problem documents with a fixed detail.
func (s *Server) guardEdge(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		var err error
		switch {
		case !framingOK(&ctx.Request.Header):
			ctx.SetConnectionClose()
			err = fiber.NewError(fiber.StatusBadRequest, detailMalformed)
		case !knownMethod(ctx.Method()):
			ctx.SetConnectionClose()
			err = fiber.NewError(fiber.StatusNotImplemented, detailMethod)
		default:
			next(ctx)
			return
		}
		c := s.app.AcquireCtx(ctx)
		defer s.app.ReleaseCtx(c)
		if herr := s.errorHandler(c, err); herr != nil {
			ctx.ResetBody()
			ctx.SetStatusCode(fiber.StatusInternalServerError)
		}
	}
}

// knownMethod says whether m is a method some route or the server answers
// (methods are case-sensitive: "get" is not GET).
func knownMethod(m []byte) bool {
	switch string(m) {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions:
		return true
	}
	return false
}

// framingOK says whether a request's version and framing headers are ones
// every reader agrees on: HTTP/1.0 or HTTP/1.1; at most one Content-Length
// and one Transfer-Encoding, never both; a Transfer-Encoding of exactly
// "chunked"; exactly one Host on HTTP/1.1; field names that are tokens; no obsolete
// line folding.
// fasthttp refuses most of these itself; this is the rest, read from the
// header block as it came.
func framingOK(h *fasthttp.RequestHeader) bool {
	proto := h.Protocol()
	if !bytes.Equal(proto, []byte("HTTP/1.1")) && !bytes.Equal(proto, []byte("HTTP/1.0")) {
		return false
	}
	var cl, te, host int
	raw := h.RawHeaders()
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			return false
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return false
		}
		name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
		if !isToken(name) {
			return false
		}
		switch {
		case bytes.EqualFold(name, []byte(fiber.HeaderContentLength)):
			cl++
		case bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding)):
			te++
			if string(value) != "chunked" {
				return false
			}
		case bytes.EqualFold(name, []byte(fiber.HeaderHost)):
			host++
		}
	}
	if cl > 1 || te > 1 || (cl > 0 && te > 0) || host > 1 {
		return false
	}
	if h.IsHTTP11() && host != 1 {
		return false
	}
	return true
}

// isToken says whether b is an RFC 9110 token, as a field name must be.
func isToken(b []byte) bool {
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0:
		default:
			return false
		}
	}
	return true
}

// edgeError is err, raised by fasthttp while reading a request, with a fixed
// message: fasthttp's own text quotes the header buffer, Authorization
// included. A request that could not be read closes its connection.
func edgeError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) || fe.Code == fiber.StatusBadRequest {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, detailMalformed)
	}
	if fe.Code == fiber.StatusRequestHeaderFieldsTooLarge || fe.Code == fiber.StatusRequestEntityTooLarge {
		c.Context().SetConnectionClose()
	}
	return err
}
