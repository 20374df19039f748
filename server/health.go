package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// healthReporter is a store that knows whether it can serve: *data.Store
// reports damage found in its file and writes failing for lack of disk
// space.
type healthReporter interface{ Health() error }

// GET /readyz
func (s *Server) handleReady(c *fiber.Ctx) error {
	_, err := s.store.Version()
	if h, ok := s.store.(healthReporter); ok {
		if herr := h.Health(); herr != nil {
			return &data.Error{Kind: data.KindUnavailable, Err: herr, Message: "not ready: " + herr.Error()}
		}
	}
	if err != nil {
		return &data.Error{Kind: data.KindUnavailable, Err: err, Message: "not ready: the database is not answering"}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
