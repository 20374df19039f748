package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// GET /readyz
func (s *Server) handleReady(c *fiber.Ctx) error {
	if _, err := s.store.Version(); err != nil {
		return &data.Error{Kind: data.KindUnavailable, Err: err, Message: "not ready: the database is not answering"}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
