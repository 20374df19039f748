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
)

// FieldError names one field and what is wrong with it.
type FieldError struct {
	Index   *int   `json:"index,omitempty"` // feature or row number in a bulk input
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (f FieldError) String() string {
	if f.Index != nil {
		return fmt.Sprintf("#%d %s: %s", *f.Index, f.Field, f.Message)
	}
	return f.Field + ": " + f.Message
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
