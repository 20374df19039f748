package data

import (
	"bytes"
	"fmt"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Mode says what a write may do to an incident already stored.
type Mode string

// The write modes.
const (
	ModeCreate Mode = "create" // refuse ids already stored
	ModeUpdate Mode = "update" // refuse ids not stored
	ModeUpsert Mode = "upsert" // create or replace
)

// ImportOptions configure Import.
type ImportOptions struct {
	Mode   Mode   // default ModeCreate
	DryRun bool   // validate and check, but write nothing
	Reason string // kept in each incident's history
	// NoHistory writes no revisions: for synthetic data only, which has no
	// history worth keeping.
	NoHistory bool
}

// ImportResult counts what an import did, or would do in a dry run.
type ImportResult struct {
	Created int  `json:"created"`
	Updated int  `json:"updated"`
	DryRun  bool `json:"dry_run"`
}

func checkReason(reason string) error {
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxReason {
		return &Error{Kind: KindInvalid, Message: "the reason for the change is not valid",
			Fields: []FieldError{{Field: "reason", Message: fmt.Sprintf("must be valid UTF-8 of at most %d characters", MaxReason)}}}
	}
	return nil
}

// The writes of the store, one entry point per operation: Create, Update,
// Delete and Import (ImportFile decodes a file for Import). Each runs one
// transaction through update; writeIncident stores one incident in it and
// keeps its history, storeEncoded lays its bytes out in the buckets
// (record.go).

// Create writes a new incident; an id already in use is a conflict. It
// returns the Feature stored, whose ETag is the new one.
func (s *Store) Create(in *Incident, reason string) ([]byte, error) {
	return s.writeSingle(in, ModeCreate, "", reason)
}

// Update replaces a stored incident. ifMatch must be its current ETag (or
// "*"); a stale one is a precondition failure. It returns the Feature
// stored, whose ETag is the new one.
func (s *Store) Update(in *Incident, ifMatch, reason string) ([]byte, error) {
	return s.writeSingle(in, ModeUpdate, ifMatch, reason)
}

// writeSingle is Create and Update: one incident, checked, in its own
// transaction.
func (s *Store) writeSingle(in *Incident, mode Mode, ifMatch, reason string) ([]byte, error) {
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	if err := in.Validate(s.mdl); err != nil {
		return nil, err
	}
	var feature []byte
	err := s.update(func(tx *bolt.Tx) ([]indexChange, error) {
		e, ch, err := s.writeIncident(tx, in, mode, ifMatch, reason, now(), true)
		if err != nil {
			return nil, err
		}
		feature = e.feature()
		return []indexChange{ch}, bump(tx, now())
	})
	if err != nil {
		return nil, err
	}
	return feature, nil
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// writeIncident stores one valid incident in tx and records the change in
// its history. It returns what it stored and the change to make to the
// in-memory index once tx commits, whose old entry is empty when the
// incident was created.
func (s *Store) writeIncident(tx *bolt.Tx, in *Incident, mode Mode, ifMatch, reason string, at time.Time, history bool) (e *encoded, ch indexChange, err error) {
	old := bytes.Clone(storedFeature(tx, in.ID)) // storeEncoded frees its page
	switch {
	case old != nil && mode == ModeCreate:
		msg := fmt.Sprintf("an incident with the id %q already exists", in.ID)
		return nil, ch, &Error{Kind: KindConflict, Message: msg, Fields: []FieldError{{Field: "id", Message: msg}}}
	case old == nil && mode == ModeUpdate:
		return nil, ch, &Error{Kind: KindNotFound, Message: fmt.Sprintf("no incident has the id %q", in.ID)}
	case old != nil && ifMatch != "" && ifMatch != "*" && ifMatch != ETag(old):
		return nil, ch, &Error{Kind: KindPrecondition, Message: fmt.Sprintf("incident %q has changed since %s was read: fetch it again and reapply your change", in.ID, ifMatch)}
	}
	if old != nil {
		prev, err := DecodeFeature(old)
		if err != nil {
			return nil, ch, fmt.Errorf("stored incident %s: %w", in.ID, err)
		}
		in.Created = prev.Created
	}
	if in.Created.IsZero() {
		in.Created = at
	}
	in.Updated = at
	if e, err = s.encode(in); err != nil {
		return nil, ch, err
	}
	if ch, err = storeEncoded(tx, e); err != nil {
		return nil, ch, err
	}
	action := ActionUpdate
	if old == nil {
		action = ActionCreate
	}
	if !history {
		return e, ch, nil
	}
	err = appendRevision(tx, in.ID, Revision{Time: at, Action: action, Reason: reason,
		Changed: changedProperties(old, e.feature()), ETag: ETag(e.feature()), Feature: e.feature()})
	if err == nil {
		err = logChange(tx, in.ID, action, at)
	}
	return e, ch, err
}

// Import validates every incident, then writes them all in one
// transaction, or none: the error lists every bad incident by its index.
func (s *Store) Import(ins []*Incident, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{DryRun: opt.DryRun}
	if opt.Mode == "" {
		opt.Mode = ModeCreate
	}
	if err := checkReason(opt.Reason); err != nil {
		return res, err
	}
	var fields []FieldError
	seen := make(map[string]int, len(ins))
	for i, in := range ins {
		if err := in.Validate(s.mdl); err != nil {
			fields = append(fields, indexed(i, err)...)
		}
		if j, dup := seen[in.ID]; dup {
			fields = append(fields, indexed(i, &Error{Kind: KindInvalid, Fields: []FieldError{{Field: "id", Message: fmt.Sprintf("%q is also the id of #%d", in.ID, j)}}})...)
		}
		seen[in.ID] = i
	}
	if len(fields) > 0 {
		return res, &Error{Kind: KindInvalid, Message: fmt.Sprintf("%d of %d incidents are not valid; nothing was written", countIndexes(fields), len(ins)), Fields: fields}
	}
	at := now()
	err := s.update(func(tx *bolt.Tx) ([]indexChange, error) {
		changes := make([]indexChange, 0, len(ins))
		for i, in := range ins {
			_, ch, err := s.writeIncident(tx, in, opt.Mode, "", opt.Reason, at, !opt.NoHistory)
			if err != nil {
				if e, ok := err.(*Error); ok && e.Kind != KindInternal {
					return nil, &Error{Kind: e.Kind, Message: "nothing was written: " + e.Message, Fields: indexed(i, &Error{Fields: []FieldError{{Field: "id", Message: e.Message}}})}
				}
				return nil, err
			}
			changes = append(changes, ch)
			if ch.old.key == "" {
				res.Created++
			} else {
				res.Updated++
			}
		}
		if opt.DryRun {
			return nil, errDryRun
		}
		return changes, bump(tx, at)
	})
	if err == errDryRun {
		err = nil
	}
	return res, err
}

var errDryRun = &Error{Kind: KindInternal, Message: "dry run"}

// Delete removes an incident from every listing and export; its history
// keeps a tombstone with the reason.
func (s *Store) Delete(id, ifMatch, reason string) error {
	if err := checkReason(reason); err != nil {
		return err
	}
	at := now()
	return s.update(func(tx *bolt.Tx) ([]indexChange, error) {
		old := storedFeature(tx, id)
		switch {
		case old == nil:
			return nil, &Error{Kind: KindNotFound, Message: fmt.Sprintf("no incident has the id %q", id)}
		case ifMatch != "" && ifMatch != "*" && ifMatch != ETag(old):
			return nil, &Error{Kind: KindPrecondition, Message: fmt.Sprintf("incident %q has changed since %s was read: fetch it again", id, ifMatch)}
		}
		ch, err := unindex(tx, id)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketIncidents).Delete([]byte(id)); err != nil {
			return nil, err
		}
		if err := appendRevision(tx, id, Revision{Time: at, Action: ActionDelete, Reason: reason, Changed: []string{}}); err != nil {
			return nil, err
		}
		if err := logChange(tx, id, ActionDelete, at); err != nil {
			return nil, err
		}
		return []indexChange{ch}, bump(tx, at)
	})
}
