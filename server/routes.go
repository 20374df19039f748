package server

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
)

func (s *Server) routes() {
	app := s.app
	s.useMiddleware()
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	app.Use(s.handleCache)

	app.Get("/healthz", s.handleHealth)
	app.Get("/readyz", s.handleReady)
	app.Get("/metrics", s.handleMetrics)

	api := app.Group("/api")
	api.Get("/incidents", s.handleIncidents)
	api.Get("/incidents/:id", s.handleIncidentGet)
	s.writeRoutes(api)
	api.Get("/mdl", s.handleMDL)
	api.Get("/dmz", s.handleDMZ)
	api.Get("/crossings", s.handleCrossings)
	api.Get("/years", s.handleYears)
	api.Get("/config", s.handleConfig)
	api.Get("/clusters", s.handleClusters)
	api.Get("/export.geojson", s.handleExport)
	api.Get("/export.csv", s.handleExport)
	api.Get("/export.kml", s.handleExport)
	api.Get("/export", s.handleExport)

	s.ogcRoutes()

	app.Get("/", s.handleIndex)
	app.Get("/static/*", s.handleStatic)
}

// GET /healthz
func (s *Server) handleHealth(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}
