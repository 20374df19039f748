package server

import (
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// healthReporter is a store that knows whether it can serve: *data.Store
// reports damage found in its file and writes failing for lack of disk
// space.
type healthReporter interface{ Health() error }

// GET /readyz
func (s *Server) handleReady(c *fiber.Ctx) error {
	v, err := s.store.Version()
	if h, ok := s.store.(healthReporter); ok {
		if herr := h.Health(); herr != nil {
			return &data.Error{Kind: data.KindUnavailable, Err: herr, Message: "not ready: " + herr.Error()}
		}
	}
	if err != nil {
		return &data.Error{Kind: data.KindUnavailable, Err: err, Message: "not ready: the database is not answering"}
	}
	answer := fiber.Map{"status": "ready", "changes": v.Changes}
	if s.cfg.Replica != nil {
		st := s.cfg.Replica()
		r := fiber.Map{"primary": st.Primary, "copied": st.Copied.UTC().Format(time.RFC3339),
			"age_seconds": int64(s.now().Sub(st.Copied).Seconds())}
		if !st.Checked.IsZero() {
			r["checked"] = st.Checked.UTC().Format(time.RFC3339)
		}
		if st.LastError != "" {
			r["last_error"] = st.LastError
		}
		answer["replica"] = r
	}
	return c.JSON(answer)
}
