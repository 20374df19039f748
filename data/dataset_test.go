package data

import (
	"bytes"
	"testing"
)

func TestDecodeDataset(t *testing.T) {
	cases := []struct {
		name, doc string
		want      Dataset
		field     string // the field refused; "" for none
	}{
		{"version", `{"type":"FeatureCollection","dataset":{"version":"2026.12.1","date":"2026-12-01"},"features":[]}`, Dataset{"2026.12.1", "2026-12-01"}, ""},
		{"none", `{"type":"FeatureCollection","features":[]}`, Dataset{}, ""},
		{"bad version", `{"dataset":{"version":"1.0","date":"2026-12-01"}}`, Dataset{}, "dataset.version"},
		{"bad date", `{"dataset":{"version":"2026.12.1","date":"2026-12"}}`, Dataset{}, "dataset.date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeDataset([]byte(tc.doc))
			checkFieldError(t, err, tc.field, "")
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSeedEmbeddedRecordsTheDataset(t *testing.T) {
	want, err := SeedDataset()
	if err != nil {
		t.Fatal(err)
	}
	if want.IsZero() {
		t.Fatal("the embedded seed carries no dataset version")
	}
	s, _ := openStore(t)
	before, _ := s.Version()
	seeded, err := SeedEmbedded(s)
	if err != nil || !seeded {
		t.Fatalf("SeedEmbedded: %v, %v", seeded, err)
	}
	v, err := s.Version()
	if err != nil {
		t.Fatal(err)
	}
	if v.Dataset != want {
		t.Errorf("the store holds dataset %+v, want %+v", v.Dataset, want)
	}
	if v.Changes <= before.Changes {
		t.Errorf("the change counter did not grow: %d, then %d", before.Changes, v.Changes)
	}
	if seeded, err := SeedEmbedded(s); seeded || err != nil {
		t.Errorf("a second SeedEmbedded: %v, %v; want false, nil", seeded, err)
	}
}

// TestCollectionDatasetMember checks that a collection names the dataset
// it is given, when the dataset changes between collections and back.
func TestCollectionDatasetMember(t *testing.T) {
	for _, d := range []Dataset{{"2026.12.1", "2026-12-01"}, {"2026.12.2", "2026-12-02"}, {"2026.12.1", "2026-12-01"}, {}} {
		var b bytes.Buffer
		cw := NewCollectionWriter(&b).WithDataset(d)
		if err := cw.End(Result{}); err != nil {
			t.Fatal(err)
		}
		got, err := DecodeDataset(b.Bytes())
		if err != nil || got != d {
			t.Errorf("a collection of %+v names %+v (%v): %s", d, got, err, b.Bytes())
		}
	}
}
