package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

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

// paramError is a query parameter that is not accepted.
type paramError struct {
	Parameter string
	Message   string
}

// queryError lists every query parameter a request got wrong.
type queryError []paramError

func (q queryError) Error() string {
	parts := make([]string, len(q))
	for i, e := range q {
		parts[i] = e.Parameter + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// notFoundError is a missing resource named by a path parameter.
type notFoundError struct {
	Parameter string
	Message   string
}

func (e *notFoundError) Error() string { return e.Message }

// status maps an error kind of the data layer to an HTTP status.
func status(k data.Kind) int {
	switch k {
	case data.KindInvalid:
		return fiber.StatusBadRequest
	case data.KindNotFound:
		return fiber.StatusNotFound
	case data.KindConflict:
		return fiber.StatusConflict
	case data.KindPrecondition:
		return fiber.StatusPreconditionFailed
	case data.KindUnauthorized:
		return fiber.StatusUnauthorized
	case data.KindForbidden:
		return fiber.StatusForbidden
	case data.KindTooLarge:
		return fiber.StatusRequestEntityTooLarge
	case data.KindUnavailable:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// problemOf turns err into a problem document, and says whether err is
// unexpected (to be logged, and hidden from the client).
func problemOf(c *fiber.Ctx, err error) (problem, bool) {
	p := problem{Type: "about:blank", Errors: []problemItem{}}
	var (
		qe  queryError
		nf  *notFoundError
		de  *data.Error
		fe  *fiber.Error
		bad bool
	)
	switch {
	case errors.As(err, &qe):
		p.Status = fiber.StatusBadRequest
		for _, e := range qe {
			p.Errors = append(p.Errors, problemItem{Parameter: e.Parameter, Message: e.Message})
		}
		if len(qe) == 1 {
			p.Detail = fmt.Sprintf("the query parameter %s is not accepted: %s", qe[0].Parameter, qe[0].Message)
		} else {
			p.Detail = fmt.Sprintf("%d query parameters are not accepted: see errors", len(qe))
		}
	case errors.As(err, &nf):
		p.Status, p.Detail = fiber.StatusNotFound, nf.Message
		p.Errors = append(p.Errors, problemItem{Parameter: nf.Parameter, Message: nf.Message})
	case errors.As(err, &de):
		p.Status, p.Detail = status(de.Kind), de.Message
		if _, ok := err.(*unprocessableError); ok {
			p.Status = fiber.StatusUnprocessableEntity
		}
		for _, f := range de.Fields {
			p.Errors = append(p.Errors, problemItem{Field: f.Field, Index: f.Index, Message: f.Message})
		}
	case errors.As(err, &fe):
		p.Status = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound:
			p.Detail = "nothing is served at " + c.Path()
		case fiber.StatusMethodNotAllowed:
			p.Detail = fmt.Sprintf("%s is not allowed on %s", c.Method(), c.Path())
		case fiber.StatusRequestEntityTooLarge:
			p.Detail = fmt.Sprintf("the request body is over the limit of %d bytes", c.App().Config().BodyLimit)
		default:
			p.Detail = fe.Message
		}
	default:
		p.Status = fiber.StatusInternalServerError
	}
	if p.Status >= 500 && (de == nil || de.Kind == data.KindInternal) {
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
