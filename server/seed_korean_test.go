package server

import (
	"slices"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// TestSeedSearchesInKorean is the check on the seed: q=판문점 finds
// what q=Panmunjom finds, and the answers say the seed's version.
func TestSeedSearchesInKorean(t *testing.T) {
	mdl := loadMDL(t)
	_, store, _ := newTestServer(t, nil)
	s := New(store, mdl, nil, Config{})
	if _, err := data.SeedEmbedded(store); err != nil {
		t.Fatalf("SeedEmbedded: %v", err)
	}
	ids := func(q string) []string {
		var out []string
		for _, f := range decodeCollection(t, get(t, s, "/api/incidents?q="+q)).Features {
			out = append(out, f.ID)
		}
		return out
	}
	en, ko := ids("Panmunjom"), ids("%ED%8C%90%EB%AC%B8%EC%A0%90") // 판문점
	if len(en) < 10 || !slices.Equal(en, ko) {
		t.Errorf("q=Panmunjom finds %d incidents, q=판문점 %d; want the same ten or more\nonly in English: %v\nonly in Korean: %v",
			len(en), len(ko), minus(en, ko), minus(ko, en))
	}
	want, err := data.SeedDataset()
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "/api/incidents?q=Panmunjom").header.Get(HeaderDatasetVersion); got != want.Version {
		t.Errorf("%s: %q, want the seed's %q", HeaderDatasetVersion, got, want.Version)
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
