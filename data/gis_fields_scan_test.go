package data

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// gisFieldsBoth returns WithGISFields's answer and the slow way's
// (encoding/json) for feature.
func gisFieldsBoth(t *testing.T, feature []byte) (fast, slow []byte, fastErr, slowErr error) {
	t.Helper()
	fast, fastErr = WithGISFields([]byte("x"), feature)
	props := bytes.Index(feature, []byte(`"properties":{`))
	at := bytes.Index(feature[props:], dateMember) + props + len(dateMember)
	end := bytes.IndexByte(feature[at:], '"') + at
	slow, slowErr = withGISFieldsJSON([]byte("x"), feature, props, at, end)
	return fast, slow, fastErr, slowErr
}

// TestGISFieldsFast checks that the scanner of appendGISFieldsFast writes
// what encoding/json does, byte for byte: on the seed, on generated
// incidents, and on sources whose text has escapes, HTML characters,
// U+2028, Unicode spaces, empty members and runs of spaces; and that it
// leaves to the slow way what it does not read (the answer then the same).
func TestGISFieldsFast(t *testing.T) {
	mdl := mdl(t)
	seed, err := SeedIncidents(mdl)
	if err != nil {
		t.Fatal(err)
	}
	ins := append(seed, Generate(300, 7, mdl)...)
	texts := []string{"", " ", "plain", "  two  spaces  ", "a&b <c> \"q\" back\\slash", "line\u2028sep\u2029para", "tab\there\nnl\r",
		"\u00a0nbsp\u3000ideographic\u0085nel", "한국어 제목", "/slash/", "emoji 🙂 pair", "ctl\u0001x\u001f", "é"}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return texts[r.IntN(len(texts))] }
	for range 300 {
		in := *ins[r.IntN(len(ins))]
		in.Sources = nil
		for range r.IntN(4) {
			in.Sources = append(in.Sources, Source{Title: pick(), URL: pick(), Publisher: pick(), Published: pick()})
		}
		ins = append(ins, &in)
	}
	fastHits := 0
	for _, in := range ins {
		f, err := EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		fast, slow, fe, se := gisFieldsBoth(t, f)
		if (fe == nil) != (se == nil) || !bytes.Equal(fast, slow) {
			t.Fatalf("%s:\nfast %s (%v)\nslow %s (%v)", in.ID, fast, fe, slow, se)
		}
		props := bytes.Index(f, []byte(`"properties":{`))
		at := bytes.Index(f[props:], dateMember) + props + len(dateMember)
		end := bytes.IndexByte(f[at:], '"') + at
		if _, ok := appendGISFieldsFast(nil, f, props, at, end); ok {
			fastHits++
		}
	}
	if fastHits < len(ins)*9/10 {
		t.Errorf("the scanner read %d of %d features; the rest went the slow way", fastHits, len(ins))
	}
	// What the scanner does not read goes the slow way, with its answer.
	base, _ := EncodeFeature(seed[0], nil)
	i := bytes.Index(base, []byte(`"sources":[`)) + len(`"sources":[`)
	for _, odd := range []string{
		`{"title":"a","extra":1},`, `{"title":1},`, `{"title":"\ud83d\ude42"},`, `{"title":"a","title":"b"},`, `{"title":"a" },`,
	} {
		f := append(append(append([]byte(nil), base[:i]...), odd...), base[i:]...)
		fast, slow, fe, se := gisFieldsBoth(t, f)
		if (fe == nil) != (se == nil) || !bytes.Equal(fast, slow) {
			t.Errorf("%s:\nfast %s (%v)\nslow %s (%v)", odd, fast, fe, slow, se)
		}
	}
	// A date ParseDate refuses: the same error.
	bad := bytes.Replace(base, []byte(`"date":"`+seed[0].Date.String()), []byte(`"date":"1999-02-30`), 1)
	if _, _, fe, se := gisFieldsBoth(t, bad); fe == nil || se == nil || fe.Error() != se.Error() {
		t.Errorf("a bad date: fast %v, slow %v", fe, se)
	}
	// The result is JSON whose sources_text is SourcesText's.
	var got struct {
		Properties struct {
			SourcesText string   `json:"sources_text"`
			Sources     []Source `json:"sources"`
		} `json:"properties"`
	}
	out, _ := WithGISFields(nil, base)
	if err := json.Unmarshal(out, &got); err != nil || got.Properties.SourcesText != SourcesText(got.Properties.Sources) ||
		!strings.Contains(string(out), `"date_start":"`) {
		t.Errorf("%s: %v", out, err)
	}
}
