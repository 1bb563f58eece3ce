package tangermed

import (
	"testing"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// TestLayout checks the figures README.md gives.
func TestLayout(t *testing.T) {
	l, err := Layout()
	if err != nil {
		t.Fatal(err)
	}
	counts := []struct {
		what      string
		got, want int
	}{
		{"blocks", len(l.Blocks()), 24},
		{"berths", len(l.Berths()), 3},
		{"quay cranes", len(l.QuayCranes()), 8},
		{"yard cranes", len(l.YardCranes()), 16},
		{"gate lanes", len(l.GateLanes()), 10},
		{"areas", len(l.Areas()), 5},
		{"capacity (TEU)", l.Capacity(), 28_560},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	plugs := 0
	byPurpose := map[yard.Purpose]int{}
	for _, b := range l.Blocks() {
		plugs += b.ReeferPlugs
		byPurpose[b.Purpose]++
	}
	want := map[yard.Purpose]int{"transhipment": 11, "export": 4, "import": 4, "reefer": 2, "empty": 1, "mixed": 2}
	for p, n := range want {
		if byPurpose[p] != n {
			t.Errorf("%d %s blocks, want %d", byPurpose[p], p, n)
		}
	}
	if plugs != 1440 {
		t.Errorf("%d reefer plugs, want 1440", plugs)
	}
}
