package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Editor is what the write, history, import and backup routes need of the
// store on top of Store; *data.Store has it. Over a Store without it those
// routes answer 403.
type Editor interface {
	Store
	Create(in *data.Incident, reason string) (feature []byte, err error)
	Update(in *data.Incident, ifMatch, reason string) (feature []byte, err error)
	Delete(id, ifMatch, reason string) error
	ImportFile(body []byte, format string, opt data.ImportOptions) (data.ImportResult, error)
	History(id string) ([]data.Revision, error)
	Backup(w io.Writer) (int64, error)
}

// HeaderChangeReason is the request header that carries the writer's
// reason for a change, kept in the incident's history. It is UTF-8, at
// most 500 characters; a percent-encoded value (encodeURIComponent) is
// decoded, so a literal % in an encoded value is written %25.
const HeaderChangeReason = "X-Change-Reason"

// ContentTypeMergePatch is the media type of a JSON Merge Patch (RFC 7396).
const ContentTypeMergePatch = "application/merge-patch+json"

// writeRoutes adds the routes that change incidents, their history, bulk
// import and backup.
func (s *Server) writeRoutes(api fiber.Router) {
	auth := s.authorize()
	api.Post("/incidents", auth, s.handleIncidentCreate)
	api.Put("/incidents/:id", auth, s.handleIncidentPut)
	api.Patch("/incidents/:id", auth, s.handleIncidentPatch)
	api.Delete("/incidents/:id", auth, s.handleIncidentDelete)
	api.Get("/incidents/:id/history", s.handleIncidentHistory)
	api.Post("/import", auth, s.handleImport)
	api.Get("/backup", auth, s.handleBackup)
}

// editor returns the store as an Editor, or a 403 if it is read-only.
func (s *Server) editor() (Editor, error) {
	ed, ok := s.store.(Editor)
	if !ok {
		msg := "this server's store is read-only"
		if s.cfg.Primary != "" {
			msg = replicaRefusal(s.cfg.Primary)
		}
		return nil, &data.Error{Kind: data.KindForbidden, Message: msg}
	}
	return ed, nil
}

// historian is what the history route needs of the store; a replica has
// it too.
type historian interface {
	History(id string) ([]data.Revision, error)
}

// unprocessable makes an invalid-input error about a body that was read
// but breaks the rules of an incident, one that names fields, of
// data.KindUnprocessable (a 422, not a 400); other errors (malformed JSON
// or CSV among them) pass unchanged.
func unprocessable(err error) error {
	var de *data.Error
	if errors.As(err, &de) && de.Kind == data.KindInvalid && len(de.Fields) > 0 && !errors.Is(de, data.ErrMalformedJSON) {
		out := *de
		out.Kind = data.KindUnprocessable
		return &out
	}
	return err
}

// requireType refuses a request body whose Content-Type is not one of
// types (415), and returns the one it is.
func requireType(c *fiber.Ctx, types ...string) (string, error) {
	ct := c.Get(fiber.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && slices.Contains(types, mt) {
		return mt, nil
	}
	what := "no Content-Type"
	if ct != "" {
		what = "Content-Type " + quote(ct)
	}
	return "", fiber.NewError(fiber.StatusUnsupportedMediaType,
		fmt.Sprintf("%s %s takes %s; the request has %s", c.Method(), c.Path(), strings.Join(types, " or "), what))
}

// reasonOf returns the writer's reason from the X-Change-Reason header.
func reasonOf(c *fiber.Ctx) (string, error) {
	v := utils.CopyString(c.Get(HeaderChangeReason))
	if strings.Contains(v, "%") {
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
	}
	v = strings.TrimSpace(v)
	msg := ""
	switch n := utf8.RuneCountInString(v); {
	case !utf8.ValidString(v):
		msg = "is not valid UTF-8 (percent-encode it, as encodeURIComponent does)"
	case n > data.MaxReason:
		msg = fmt.Sprintf("is %d characters long; the limit is %d", n, data.MaxReason)
	case strings.ContainsFunc(v, unicode.IsControl):
		msg = "holds a control character"
	}
	if msg != "" {
		return "", &data.Error{Kind: data.KindInvalid, Message: "the header " + HeaderChangeReason + " " + msg,
			Fields: []data.FieldError{{Field: HeaderChangeReason, Message: msg}}}
	}
	return v, nil
}

// incidentID returns the id path parameter, copied, or a 404 if it cannot
// be an incident's id.
func incidentID(c *fiber.Ctx) (string, error) {
	id := utils.CopyString(c.Params("id"))
	if !data.ValidID(id) {
		return "", data.NotFound("id", "no incident has the id "+quote(id)+": "+data.IDRule)
	}
	return id, nil
}

// ifMatch returns the entity tag of the If-Match header to check the
// change against, or a 428 when there is none. Of a list it returns the
// tag that current (the stored Feature's ETag) matches, if any.
func ifMatch(c *fiber.Ctx, current func() (string, error)) (string, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" {
		return "", fiber.NewError(fiber.StatusPreconditionRequired, fmt.Sprintf(
			"%s %s needs an If-Match header with the incident's ETag, as GET %s sends it, so that no one's change is lost",
			c.Method(), c.Path(), strings.TrimSuffix(c.Path(), "/")))
	}
	tags := strings.Split(h, ",")
	if len(tags) == 1 {
		return utils.CopyString(h), nil
	}
	now, err := current()
	if err != nil {
		return "", err
	}
	for _, t := range tags {
		if t = strings.TrimSpace(t); t == now || t == "*" {
			return t, nil
		}
	}
	return utils.CopyString(strings.TrimSpace(tags[0])), nil
}

// sendIncident answers with the Feature a write stored and its ETag.
func sendIncident(c *fiber.Ctx, feature []byte, status int) error {
	c.Set(fiber.HeaderETag, data.ETag(feature))
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	c.Status(status)
	return c.Send(feature)
}

// POST /api/incidents
func (s *Server) handleIncidentCreate(c *fiber.Ctx) error {
	ed, err := s.editor()
	if err != nil {
		return err
	}
	in, reason, err := incidentBody(c)
	if err != nil {
		return err
	}
	in.Created, in.Updated = time.Time{}, time.Time{}
	generated := in.ID == ""
	var stored []byte
	for try := 0; ; try++ {
		if generated {
			in.ID = newID(in)
		}
		stored, err = ed.Create(in, reason)
		if !generated || data.ErrorKind(err) != data.KindConflict || try == 2 {
			break
		}
	}
	if err != nil {
		return unprocessable(err)
	}
	s.log.Info("incident created", "id", in.ID, "ip", s.clientIP(c))
	c.Location("/api/incidents/" + in.ID)
	return sendIncident(c, stored, fiber.StatusCreated)
}

// PUT /api/incidents/{id}
func (s *Server) handleIncidentPut(c *fiber.Ctx) error {
	ed, id, match, err := s.writeTarget(c)
	if err != nil {
		return err
	}
	in, reason, err := incidentBody(c)
	if err != nil {
		return err
	}
	switch in.ID {
	case "":
		in.ID = id
	case id:
	default:
		return unprocessable(&data.Error{Kind: data.KindInvalid, Message: "the incident is not valid",
			Fields: []data.FieldError{{Field: "id", Message: fmt.Sprintf("is %s but the URL names %s: leave it out or make them the same", quote(in.ID), quote(id))}}})
	}
	in.Created, in.Updated = time.Time{}, time.Time{}
	stored, err := ed.Update(in, match, reason)
	if err != nil {
		return unprocessable(err)
	}
	s.log.Info("incident replaced", "id", id, "ip", s.clientIP(c))
	return sendIncident(c, stored, fiber.StatusOK)
}

// PATCH /api/incidents/{id}
func (s *Server) handleIncidentPatch(c *fiber.Ctx) error {
	ed, id, match, err := s.writeTarget(c)
	if err != nil {
		return err
	}
	if _, err := requireType(c, ContentTypeMergePatch); err != nil {
		c.Set("Accept-Patch", ContentTypeMergePatch)
		return err
	}
	stored, err := ed.Feature(id)
	if err != nil {
		return err
	}
	current := data.ETag(stored)
	if match != "*" && match != current {
		return &data.Error{Kind: data.KindPrecondition,
			Message: fmt.Sprintf("incident %s has changed since %s was read: fetch it again and reapply your change", quote(id), match)}
	}
	reason, err := reasonOf(c)
	if err != nil {
		return err
	}
	in, err := data.MergePatch(stored, c.Body())
	if err != nil {
		return unprocessable(err)
	}
	// The patch applies to the version read here: check against that one,
	// even for If-Match: *, so that a change made meanwhile is not undone.
	patched, err := ed.Update(in, current, reason)
	if err != nil {
		return unprocessable(err)
	}
	s.log.Info("incident patched", "id", id, "ip", s.clientIP(c))
	return sendIncident(c, patched, fiber.StatusOK)
}

// DELETE /api/incidents/{id}
func (s *Server) handleIncidentDelete(c *fiber.Ctx) error {
	ed, id, match, err := s.writeTarget(c)
	if err != nil {
		return err
	}
	reason, err := reasonOf(c)
	if err != nil {
		return err
	}
	if err := ed.Delete(id, match, reason); err != nil {
		return err
	}
	s.log.Info("incident deleted", "id", id, "ip", s.clientIP(c))
	return c.SendStatus(fiber.StatusNoContent)
}

// incidentBody reads the incident a POST or PUT carries as GeoJSON and the
// change's reason, refusing a wrong Content-Type first.
func incidentBody(c *fiber.Ctx) (*data.Incident, string, error) {
	if _, err := requireType(c, data.ContentTypeGeoJSON, fiber.MIMEApplicationJSON); err != nil {
		return nil, "", err
	}
	reason, err := reasonOf(c)
	if err != nil {
		return nil, "", err
	}
	in, err := data.DecodeFeature(c.Body())
	if err != nil {
		return nil, "", unprocessable(err)
	}
	return in, reason, nil
}

// writeTarget is how a write to one incident begins: the store's editor, the
// incident's id in the URL and the version If-Match names, refused in that
// order.
func (s *Server) writeTarget(c *fiber.Ctx) (ed Editor, id, match string, err error) {
	if ed, err = s.editor(); err != nil {
		return nil, "", "", err
	}
	if id, err = incidentID(c); err != nil {
		return nil, "", "", err
	}
	if match, err = ifMatch(c, func() (string, error) { return currentETag(ed, id) }); err != nil {
		return nil, "", "", err
	}
	return ed, id, match, nil
}

func currentETag(st Store, id string) (string, error) {
	b, err := st.Feature(id)
	if err != nil {
		return "", err
	}
	return data.ETag(b), nil
}

// idAlphabet is what a generated id's random suffix is made of.
const idAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// newID makes an id for an incident posted without one: its date, the
// words of its title, and five random characters, like
// 2017-11-13-soldier-defects-at-the-jsa-x7k2q.
func newID(in *data.Incident) string {
	date := "incident"
	if !in.Date.IsZero() {
		date = in.Date.String()
	}
	var slug strings.Builder
	dash := false
	for _, r := range strings.ToLower(in.Title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && slug.Len() > 0 {
				slug.WriteByte('-')
			}
			slug.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	words := slug.String()
	const maxWords = 80 - len("YYYY-MM-DD") - len("-") - len("-xxxxx")
	if len(words) > maxWords {
		words = strings.TrimRight(words[:maxWords], "-")
	}
	id := date
	if words != "" {
		id += "-" + words
	}
	b := make([]byte, 5)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return id + "-" + string(b)
}

// GET /api/incidents/{id}/history
func (s *Server) handleIncidentHistory(c *fiber.Ctx) error {
	ed, ok := s.store.(historian)
	if !ok {
		return &data.Error{Kind: data.KindNotFound, Message: "this server keeps no history"}
	}
	id, err := incidentID(c)
	if err != nil {
		return err
	}
	revs, err := ed.History(id)
	if data.ErrorKind(err) == data.KindNotFound {
		return data.NotFound("id", "no incident has ever had the id "+quote(id))
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": id, "revisions": revs})
}
