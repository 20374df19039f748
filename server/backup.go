package server

import (
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
)

// GET /api/backup
//
// The copy is written to an unlinked temporary file first (in TMPDIR), so
// that the read transaction lasts as long as the disk takes, not as long as
// the client, and a failure is still a problem rather than a cut download.
func (s *Server) handleBackup(c *fiber.Ctx) error {
	ed, err := s.editor()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "dmzmap-backup-*.db")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	n, err := ed.Backup(f)
	if err == nil {
		_, err = f.Seek(0, 0)
	}
	if err != nil {
		f.Close()
		return err
	}
	s.log.Info("backup", "bytes", n, "ip", s.clientIP(c))
	c.Set(fiber.HeaderContentType, fiber.MIMEOctetStream)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+BackupName(s.now())+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(f, int(n)) // closes f once sent
}

// BackupName is the file name of a backup taken at t:
// dmzmap-20261125-143000.db (UTC).
func BackupName(t time.Time) string {
	return "dmzmap-" + t.UTC().Format("20060102-150405") + ".db"
}
