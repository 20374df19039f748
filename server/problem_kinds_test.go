package server

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// TestStatusTable checks that every kind has its own status, that the
// framework's errors go through the same table, and that a kind's status
// does not depend on how the error is wrapped.
func TestStatusTable(t *testing.T) {
	want := map[data.Kind]int{
		data.KindInvalid: 400, data.KindUnprocessable: 422, data.KindNotFound: 404, data.KindConflict: 409,
		data.KindPrecondition: 412, data.KindUnauthorized: 401, data.KindForbidden: 403, data.KindTooLarge: 413,
		data.KindUnavailable: 503, data.KindInternal: 500,
	}
	app := fiber.New()
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	for k, code := range want {
		if got := status(k); got != code {
			t.Errorf("status(%d) = %d, want %d", k, got, code)
		}
		if got, ok := kindOf(code); !ok || got != k {
			t.Errorf("kindOf(%d) = %d, %v; want %d", code, got, ok, k)
		}
		wrapped := fmt.Errorf("handler: %w", &data.Error{Kind: k, Message: "m"})
		if p, _ := problemOf(c, wrapped); p.Status != code {
			t.Errorf("a wrapped error of kind %d is a %d, want %d", k, p.Status, code)
		}
		if p, _ := problemOf(c, fiber.NewError(code, "m")); p.Status != code {
			t.Errorf("a fiber.Error %d is a %d", code, p.Status)
		}
	}
	if p, bad := problemOf(c, fiber.NewError(fiber.StatusUnsupportedMediaType, "takes JSON")); p.Status != 415 || bad || p.Detail != "takes JSON" {
		t.Errorf("a fiber.Error 415 outside the table: %+v, unexpected %v", p, bad)
	}
	if p, bad := problemOf(c, fiber.NewError(fiber.StatusServiceUnavailable, "busy")); p.Status != 503 || !bad || p.Detail != "internal error" {
		t.Errorf("a 5xx of the framework: %+v, unexpected %v; want a hidden 503", p, bad)
	}
	if p, bad := problemOf(c, errors.New("disk on fire")); p.Status != 500 || !bad {
		t.Errorf("an unknown error: %+v, unexpected %v", p, bad)
	}
	p, _ := problemOf(c, data.InvalidParams(data.ParamError("year", "is wrong"), data.ParamError("to", "is wrong too")))
	if p.Status != 400 || p.Detail != "2 query parameters are not accepted: see errors" || len(p.Errors) != 2 || p.Errors[1].Parameter != "to" {
		t.Errorf("parameter errors: %+v", p)
	}
}
