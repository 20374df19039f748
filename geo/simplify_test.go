package geo

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestSimplify(t *testing.T) {
	mdl := loadMDL(t)
	line := mdl.Line()
	cases := []struct {
		name   string
		tolDeg float64
		most   int // the most vertices kept
	}{
		{"zero keeps every vertex", 0, len(line)},
		{"100 m", 0.001, len(line) / 2},
		{"1 km", 0.01, len(line) / 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Simplify(line, tc.tolDeg).(orb.LineString)
			if n := CountPoints(got); n > tc.most || n < 2 {
				t.Fatalf("kept %d of %d vertices, want 2 to %d", n, len(line), tc.most)
			}
			if got[0] != line[0] || got[len(got)-1] != line[len(line)-1] {
				t.Errorf("ends moved: %v %v, want %v %v", got[0], got[len(got)-1], line[0], line[len(line)-1])
			}
			// Every dropped vertex lies within the tolerance of the simplified line.
			for _, p := range line {
				if d := planar.DistanceFrom(got, p); d > tc.tolDeg+1e-12 {
					t.Fatalf("vertex %v is %.5f° from the simplified line, over %.5f°", p, d, tc.tolDeg)
				}
			}
			if len(line) > 0 && CountPoints(line) != len(line) {
				t.Errorf("the line itself was changed")
			}
		})
	}
}
