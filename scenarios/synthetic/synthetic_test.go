package synthetic

import (
	"testing"

	"github.com/yardtwin/yardtwin/domain/yard"
)

func TestLayoutParsesAndSlotsFit(t *testing.T) {
	const n = 50
	data, err := Layout(n)
	if err != nil {
		t.Fatal(err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Blocks()) != n || l.Capacity() != Capacity(n) {
		t.Fatalf("%d blocks, capacity %d", len(l.Blocks()), l.Capacity())
	}
	seen := map[yard.Slot]bool{}
	for i := range Capacity(n) {
		s := Slot(n, i)
		if err := l.ValidSlot(s); err != nil || seen[s] {
			t.Fatalf("slot %d = %v: %v (seen %v)", i, s, err, seen[s])
		}
		seen[s] = true
	}
}
