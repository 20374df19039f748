package data

import (
	"reflect"
	"testing"
)

func TestGenerateIsValidAndDeterministic(t *testing.T) {
	a := Generate(2000, 42, mdl(t))
	b := Generate(2000, 42, mdl(t))
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two runs with seed 42 differ")
	}
	if c := Generate(10, 43, mdl(t)); reflect.DeepEqual(c, a[:10]) {
		t.Errorf("seeds 42 and 43 give the same incidents")
	}
	types := map[Type]int{}
	for _, in := range a {
		if err := in.Validate(mdl(t)); err != nil {
			t.Fatalf("%s: %v", in.ID, err)
		}
		types[in.Type]++
		if in.Date.Year < 1953 || in.Date.Year > 2025 {
			t.Errorf("%s dated %s", in.ID, in.Date)
		}
		if d := mdl(t).Place(in.Location).DistanceM; d > 16000 {
			t.Errorf("%s lies %.0f m from the MDL", in.ID, d)
		}
	}
	if len(types) != len(Types) {
		t.Errorf("types generated: %v, want every type", types)
	}
}
