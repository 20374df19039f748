package data

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the database this code reads and writes.
// Version 2 added the records bucket; a writable Open of a version 1
// database fills it once.
const SchemaVersion = 2

// init checks the file's schema version and, unless readOnly, creates
// every bucket and brings a version 1 file up to SchemaVersion.
func (s *Store) init(readOnly bool) error {
	check := func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		v := meta.Get(keySchema)
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("database %s has no valid schema version (%q): is it a dmzmap database?", s.db.Path(), v)}
		}
		if n > SchemaVersion {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("database %s has schema %d; this dmzmap reads up to %d: upgrade dmzmap", s.db.Path(), n, SchemaVersion)}
		}
		return nil
	}
	if readOnly {
		return s.db.View(check)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil && tx.Bucket(bucketIncidents) == nil && len(bucketNames(tx)) > 0 {
			return &Error{Kind: KindInternal, Message: fmt.Sprintf("%s is a bbolt file but not a dmzmap database", s.db.Path())}
		}
		fresh := tx.Bucket(bucketRecords) == nil
		for _, name := range [][]byte{bucketMeta, bucketIncidents, bucketByDate, bucketCrossings, bucketHistory, bucketRecords} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySchema) == nil {
			return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		if err := check(tx); err != nil || !fresh {
			return err
		}
		if err := fillRecords(tx); err != nil {
			return err
		}
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
}

// fillRecords writes the records bucket of a version 1 database from its
// date index and crossings.
func fillRecords(tx *bolt.Tx) error {
	records := tx.Bucket(bucketRecords)
	records.FillPercent = 1 // written in key order
	return eachLegacyRecord(tx, func(k, rv []byte) error { return records.Put(k, rv) })
}

// eachLegacyRecord calls fn with the key and records value of every
// incident, made from the date index and the crossings: what the records
// bucket holds since version 2.
func eachLegacyRecord(tx *bolt.Tx, fn func(k, rv []byte) error) error {
	byDate, crossings := tx.Bucket(bucketByDate), tx.Bucket(bucketCrossings)
	if byDate == nil || crossings == nil {
		return nil
	}
	cc := crossings.Cursor()
	ck, cv := cc.First()
	c := byDate.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) < recordLen {
			continue
		}
		for ck != nil && string(ck) < string(k) {
			ck, cv = cc.Next()
		}
		var cs []byte
		if ck != nil && string(ck) == string(k) {
			cs = cv
		}
		if err := fn(k, indexValue(v, cs)); err != nil {
			return err
		}
	}
	return nil
}

func bucketNames(tx *bolt.Tx) [][]byte {
	var names [][]byte
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, name)
		return nil
	})
	return names
}
