package data

import (
	"encoding/json"
	"fmt"
	"regexp"

	bolt "go.etcd.io/bbolt"
)

var keyDataset = []byte("dataset")

var datasetVersion = regexp.MustCompile(`^[0-9]{4}\.[0-9]{1,2}\.[0-9]{1,3}$`)

// Dataset names a published version of the incident dataset, so that a
// citation can pin what it used: the seed FeatureCollection carries it as
// the foreign member "dataset", and the store keeps the version it was
// seeded with. data/CHANGES.md lists what each version changed.
type Dataset struct {
	Version string `json:"version"` // YYYY.MM.N
	Date    string `json:"date"`    // YYYY-MM-DD
}

// IsZero reports whether no dataset version is known.
func (d Dataset) IsZero() bool { return d.Version == "" }

// DecodeDataset reads the "dataset" member of a GeoJSON FeatureCollection;
// a collection without one has the zero Dataset.
func DecodeDataset(b []byte) (Dataset, error) {
	var fc struct {
		Dataset *Dataset `json:"dataset"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return Dataset{}, jsonError(err)
	}
	if fc.Dataset == nil {
		return Dataset{}, nil
	}
	d := *fc.Dataset
	if !datasetVersion.MatchString(d.Version) {
		return Dataset{}, invalid("dataset.version", "%s must be YYYY.MM.N, like 2026.12.1", shown(d.Version))
	}
	if dd, err := ParseDate(d.Date); err != nil || dd.Precision() != PrecisionDay {
		return Dataset{}, invalid("dataset.date", "%s must be a date YYYY-MM-DD", shown(d.Date))
	}
	return d, nil
}

// SeedDataset returns the version of the embedded seed dataset.
func SeedDataset() (Dataset, error) {
	d, err := DecodeDataset(seedGeoJSON)
	if err != nil {
		return d, fmt.Errorf("embedded seed dataset: %w", err)
	}
	return d, nil
}

// SeedEmbedded loads the embedded seed dataset into a store that has never
// been seeded, and records its version. It reports whether it did.
func SeedEmbedded(s *Store) (bool, error) {
	d, err := SeedDataset()
	if err != nil {
		return false, err
	}
	seeded, err := s.SeedIfEmpty(func() ([]*Incident, error) { return SeedIncidents(s.mdl) })
	if err != nil || !seeded {
		return seeded, err
	}
	return true, s.SetDataset(d)
}

// SetDataset records the version of the dataset the store holds; it
// counts as a change, so that cached answers are not served with the old one.
func (s *Store) SetDataset(d Dataset) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) ([]indexChange, error) {
		if err := tx.Bucket(bucketMeta).Put(keyDataset, b); err != nil {
			return nil, err
		}
		return nil, bump(tx, now())
	})
}

func readDataset(tx *bolt.Tx) Dataset {
	var d Dataset
	if b := tx.Bucket(bucketMeta).Get(keyDataset); b != nil {
		json.Unmarshal(b, &d)
	}
	return d
}
