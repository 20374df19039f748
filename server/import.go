package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// mediaCSV is the media type of CSV (RFC 4180), without parameters.
const mediaCSV = "text/csv"

// POST /api/import
func (s *Server) handleImport(c *fiber.Ctx) error {
	ed, err := s.editor()
	if err != nil {
		return err
	}
	mt, err := requireType(c, data.ContentTypeGeoJSON, fiber.MIMEApplicationJSON, mediaCSV)
	if err != nil {
		return err
	}
	opt, err := importOptions(c)
	if err != nil {
		return err
	}
	if opt.Reason, err = reasonOf(c); err != nil {
		return err
	}
	format := data.FormatGeoJSON
	if mt == mediaCSV {
		format = data.FormatCSV
	}
	res, err := ed.ImportFile(c.Body(), format, opt)
	if err != nil {
		return unprocessable(err)
	}
	if !res.DryRun {
		s.log.Info("import", "created", res.Created, "updated", res.Updated, "ip", s.clientIP(c))
	}
	return c.JSON(res)
}

// importOptions reads dry_run=true|false and mode=create|upsert.
func importOptions(c *fiber.Ctx) (data.ImportOptions, error) {
	opt := data.ImportOptions{Mode: data.ModeCreate}
	var errs []data.FieldError
	seen := map[string]bool{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		name, val := string(k), string(v)
		if seen[name] {
			errs = append(errs, data.ParamError(displayName(name), "is given more than once"))
			return
		}
		seen[name] = true
		switch name {
		case "dry_run":
			switch val {
			case "", "false":
			case "true":
				opt.DryRun = true
			default:
				errs = append(errs, data.ParamError(name, quote(val)+" is not true or false"))
			}
		case "mode":
			switch data.Mode(val) {
			case "", data.ModeCreate:
			case data.ModeUpsert:
				opt.Mode = data.ModeUpsert
			default:
				errs = append(errs, data.ParamError(name, quote(val)+" is not a mode: expected create (refuse ids already stored) or upsert (create or replace by id)"))
			}
		default:
			errs = append(errs, data.ParamError(displayName(name), "is not a parameter of /api/import; its parameters are dry_run, mode"))
		}
	})
	if len(errs) > 0 {
		return opt, data.InvalidParams(errs...)
	}
	return opt, nil
}
