package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// ContentTypeProblem is the media type of RFC 9457 problem details.
const ContentTypeProblem = "application/problem+json"

// problem is an RFC 9457 problem details document.
type problem struct {
	Type   string        `json:"type"`
	Title  string        `json:"title"`
	Status int           `json:"status"`
	Detail string        `json:"detail"`
	Errors []problemItem `json:"errors"`
}

// problemItem names one query parameter or body field and what is wrong
// with it.
type problemItem struct {
	Parameter string `json:"parameter,omitempty"`
	Field     string `json:"field,omitempty"`
	Index     *int   `json:"index,omitempty"`
	Message   string `json:"message"`
}

// statusOf is the HTTP status of each kind of error: the one table that
// says it. A kind not in it is a 500.
var statusOf = map[data.Kind]int{
	data.KindInvalid:       fiber.StatusBadRequest,
	data.KindUnprocessable: fiber.StatusUnprocessableEntity,
	data.KindNotFound:      fiber.StatusNotFound,
	data.KindConflict:      fiber.StatusConflict,
	data.KindPrecondition:  fiber.StatusPreconditionFailed,
	data.KindUnauthorized:  fiber.StatusUnauthorized,
	data.KindForbidden:     fiber.StatusForbidden,
	data.KindTooLarge:      fiber.StatusRequestEntityTooLarge,
	data.KindUnavailable:   fiber.StatusServiceUnavailable,
	data.KindInternal:      fiber.StatusInternalServerError,
}

// status maps an error kind to its HTTP status.
func status(k data.Kind) int {
	if code, ok := statusOf[k]; ok {
		return code
	}
	return fiber.StatusInternalServerError
}

// kindOf is the kind of error of an HTTP status, by the same table; ok is
// false for a status the table does not hold.
func kindOf(code int) (k data.Kind, ok bool) {
	for k, c := range statusOf {
		if c == code {
			return k, true
		}
	}
	return data.KindInternal, false
}

// fiberError turns an error of the framework into a data.Error, with the
// framework's status where the table has no kind of it. A 5xx of the
// framework is unexpected: of KindInternal.
func fiberError(c *fiber.Ctx, fe *fiber.Error) (*data.Error, int) {
	k, ok := kindOf(fe.Code)
	code := fe.Code
	if ok {
		code = status(k)
	}
	if code >= 500 {
		k = data.KindInternal
	}
	de := &data.Error{Kind: k, Message: fe.Message, Err: fe}
	switch fe.Code {
	case fiber.StatusNotFound:
		de.Message = "nothing is served at " + c.Path()
	case fiber.StatusMethodNotAllowed:
		de.Message = fmt.Sprintf("%s is not allowed on %s", c.Method(), c.Path())
	case fiber.StatusRequestEntityTooLarge:
		de.Message = fmt.Sprintf("the request body is over the limit of %d bytes", c.App().Config().BodyLimit)
	}
	return de, code
}

// problemOf turns err into a problem document, and says whether err is
// unexpected (to be logged, and hidden from the client).
func problemOf(c *fiber.Ctx, err error) (problem, bool) {
	p := problem{Type: "about:blank", Errors: []problemItem{}}
	var (
		de *data.Error
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &de):
		p.Status = status(de.Kind)
	case errors.As(err, &fe):
		de, p.Status = fiberError(c, fe)
	default:
		de, p.Status = &data.Error{Kind: data.KindInternal}, fiber.StatusInternalServerError
	}
	p.Detail = de.Message
	params := 0
	for _, f := range de.Fields {
		p.Errors = append(p.Errors, problemItem{Parameter: f.Parameter, Field: f.Field, Index: f.Index, Message: f.Message})
		if f.Parameter != "" {
			params++
		}
	}
	if p.Detail == "" && params == len(de.Fields) {
		switch params {
		case 0:
		case 1:
			p.Detail = fmt.Sprintf("the query parameter %s is not accepted: %s", de.Fields[0].Parameter, de.Fields[0].Message)
		default:
			p.Detail = fmt.Sprintf("%d query parameters are not accepted: see errors", params)
		}
	}
	bad := false
	if p.Status >= 500 && de.Kind == data.KindInternal {
		bad = true
		p.Detail = "internal error"
		p.Errors = p.Errors[:0]
	}
	p.Title = http.StatusText(p.Status)
	if p.Title == "" {
		p.Title = "Error"
	}
	return p, bad
}

// handleError is the app's ErrorHandler: the one place that turns an error
// into an HTTP answer, an application/problem+json document.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	p, unexpected := problemOf(c, err)
	if unexpected {
		s.log.Error("internal error", "method", c.Method(), "path", c.Path(), "err", err)
	} else if p.Status >= 500 {
		s.log.Warn("unavailable", "method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Response().ResetBody()
	c.Context().Response.Header.Del(fiber.HeaderContentDisposition)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Status(p.Status)
	if err := c.JSON(p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeProblem)
	return nil
}
