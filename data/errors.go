package data

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so that every caller can answer it the same way.
type Kind int

// The kinds of error the data layer reports.
const (
	KindInternal     Kind = iota // a bug or an I/O failure: not the caller's fault
	KindInvalid                  // the input breaks a rule
	KindNotFound                 // no such incident
	KindConflict                 // the change collides with what is stored
	KindPrecondition             // a stale If-Match
	KindUnauthorized             // no or wrong credentials
	KindForbidden                // writes are switched off
	KindTooLarge                 // the input is over a size limit
	KindUnavailable              // the database is held by another process
	// KindUnprocessable is a request body that is well formed but breaks
	// the rules of an incident (HTTP's 422, where a bad query is 400).
	KindUnprocessable
)

// FieldError names one field, or one parameter of a query, and what is
// wrong with it.
type FieldError struct {
	Index     *int   `json:"index,omitempty"` // feature or row number in a bulk input
	Field     string `json:"field"`
	Parameter string `json:"parameter,omitempty"` // a query or path parameter, where Field is empty
	Message   string `json:"message"`
}

func (f FieldError) String() string {
	name := f.Field
	if f.Parameter != "" {
		name = f.Parameter
	}
	if f.Index != nil {
		return fmt.Sprintf("#%d %s: %s", *f.Index, name, f.Message)
	}
	return name + ": " + f.Message
}

// ParamError is the FieldError of the parameter name.
func ParamError(name, message string) FieldError {
	return FieldError{Parameter: name, Message: message}
}

// InvalidParams is the error of a query whose parameters fs are not
// accepted: KindInvalid, with no Message of its own (its text lists fs).
func InvalidParams(fs ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Fields: fs}
}

// NotFound is the error of a parameter (a path's id) that names nothing.
func NotFound(param, message string) *Error {
	return &Error{Kind: KindNotFound, Message: message, Fields: []FieldError{ParamError(param, message)}}
}

// Error is the one error type of the data layer. Message is meant for users.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	if e.Message == "" {
		return strings.Join(parts, "; ")
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err: KindInternal for any error that is not an *Error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}
