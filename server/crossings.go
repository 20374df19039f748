package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// GET /api/crossings
func (s *Server) handleCrossings(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/crossings", true, s.cfg.MaxLimit)
	if err != nil {
		return err
	}
	return sendCollection(c, datasetOf(s.store), func(visit func([]byte) error) (data.Result, error) {
		return s.store.Crossings(q.filter, visit)
	})
}
