package data

import (
	"testing"
)

func TestMergePatch(t *testing.T) {
	in := valid()
	in.Note = "to be removed"
	pl := mdl(t).Place(in.Location)
	f, _ := EncodeFeature(in, &pl)
	got, err := MergePatch(f, []byte(`{"properties":{"summary":"New summary.","note":null,"casualties":{"wounded":2}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != "New summary." || got.Note != "" || *got.Casualties.Wounded != 2 || *got.Casualties.Killed != 0 || got.Title != in.Title {
		t.Errorf("patched = %+v", got)
	}
	if _, err := MergePatch(f, []byte(`{"id":"other-id"}`)); ErrorKind(err) != KindInvalid {
		t.Errorf("patch changing the id = %v, want invalid", err)
	}
	if _, err := MergePatch(f, []byte(`[1]`)); ErrorKind(err) != KindInvalid {
		t.Errorf("array patch = %v, want invalid", err)
	}
	if _, err := MergePatch(f, []byte(`{"properties":{"colour":"red"}}`)); ErrorKind(err) != KindInvalid {
		t.Errorf("patch adding an unknown property = %v, want invalid", err)
	}
}
