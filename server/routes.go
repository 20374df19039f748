package server

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
)

func (s *Server) routes() {
	app := s.app
	s.useMiddleware()
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool { return c.Path() == "/api/events" }})) // a compressor would hold events back
	app.Use(s.handleCache)

	app.Get("/healthz", s.handleHealth)
	app.Get("/readyz", s.handleReady)
	app.Get("/metrics", s.handleMetrics)

	api := app.Group("/api")
	api.Get("/incidents", s.handleIncidents)
	api.Get("/incidents/:id", s.handleIncidentGet)
	api.Get("/incidents/:id/cite", s.handleIncidentCite)
	api.Get("/incidents/:id/map.png", s.handleIncidentMap)
	api.Get("/map.png", s.handleMapImage)
	api.Get("/cite", s.handleCite)
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
	api.Get("/feed.atom", s.handleFeedAtom)
	api.Get("/feed.json", s.handleFeedJSON)
	api.Get("/events", s.handleEvents)

	s.ogcRoutes()

	app.Get("/incidents/:id", s.handleIncidentPage)
	app.Get("/", s.handleIndex)
	app.Get("/embed", s.handleEmbed)
	app.Get("/static/*", s.handleStaticBundle)
}

// GET /healthz
func (s *Server) handleHealth(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}
