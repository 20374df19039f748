package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketHistory = []byte("history") // id + 0x00 + 8-byte sequence → Revision

// Action names a kind of change.
type Action string

// The actions a revision records.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// MaxReason is the longest reason a writer may give for a change, in
// characters.
const MaxReason = 500

// Revision is one kept change of an incident.
type Revision struct {
	Rev     int             `json:"rev"`
	Time    time.Time       `json:"time"`
	Action  Action          `json:"action"`
	Reason  string          `json:"reason"`
	Changed []string        `json:"changed"`           // the properties that changed
	ETag    string          `json:"etag,omitempty"`    // of the incident after the change
	Feature json.RawMessage `json:"feature,omitempty"` // the incident after the change; absent for a delete
}

// ETag returns the entity tag of a stored Feature: it changes whenever the
// Feature's bytes do.
func ETag(feature []byte) string {
	sum := sha256.Sum256(feature)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

func historyPrefix(id string) []byte { return append([]byte(id), 0) }

func historyKey(id string, seq uint64) []byte {
	k := historyPrefix(id)
	return binary.BigEndian.AppendUint64(k, seq)
}

// lastRevision returns the newest revision of id, or nil.
func lastRevision(tx *bolt.Tx, id string) (*Revision, error) {
	c := tx.Bucket(bucketHistory).Cursor()
	prefix := historyPrefix(id)
	k, _ := c.Seek(historyKey(id, ^uint64(0)))
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
		return nil, nil
	}
	var r Revision
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	return &r, nil
}

func appendRevision(tx *bolt.Tx, id string, r Revision) error {
	last, err := lastRevision(tx, id)
	if err != nil {
		return err
	}
	r.Rev = 1
	if last != nil {
		r.Rev = last.Rev + 1
	}
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	h := tx.Bucket(bucketHistory)
	h.FillPercent = fill
	return h.Put(historyKey(id, uint64(r.Rev)), v)
}

// changedProperties lists the top-level members of two Features that
// differ, ignoring the times and the computed properties.
func changedProperties(before, after []byte) []string {
	props := func(b []byte) map[string]json.RawMessage {
		var f struct {
			Geometry   json.RawMessage            `json:"geometry"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		json.Unmarshal(b, &f)
		if f.Properties == nil {
			f.Properties = map[string]json.RawMessage{}
		}
		if f.Geometry != nil {
			f.Properties["geometry"] = f.Geometry
		}
		for _, k := range ComputedProperties {
			delete(f.Properties, k)
		}
		return f.Properties
	}
	a, b := props(before), props(after)
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok || !bytes.Equal(v, w) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// History returns every kept change of the incident with the given id, the
// oldest first, deletions included.
func (s *Store) History(id string) ([]Revision, error) {
	var out []Revision
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketHistory).Cursor()
		prefix := historyPrefix(id)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+8 {
				continue
			}
			var r Revision
			if err := json.Unmarshal(v, &r); err != nil {
				return s.corrupt(fmt.Errorf("a revision of %s in the history is not JSON: %w", id, err))
			}
			out = append(out, r)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = &Error{Kind: KindNotFound, Message: fmt.Sprintf("no incident has the id %q", id)}
	}
	return out, err
}
