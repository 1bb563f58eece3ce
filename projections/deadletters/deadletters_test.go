package deadletters

import (
	"reflect"
	"testing"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

func item(pos uint64, e es.Event) projections.Item {
	return projections.Item{Envelope: es.Envelope{ID: e.Stream(), Position: pos}, Event: e}
}

func TestNewestFirstAndCounted(t *testing.T) {
	m := New()
	refused := func(origin, pos string) intake.MessageRefused {
		return intake.MessageRefused{Origin: origin, Position: pos, Payload: "{", Errors: []es.FieldError{{Reason: "broken JSON"}}}
	}
	batch := []projections.Item{
		item(1, refused("yard.events", "0/1")),
		item(2, yard.ContainerHeld{Container: "MSCU1234566", Hold: "customs"}), // not a dead letter
		item(3, refused("yard.events", "0/2")),
		item(4, refused("dcsa.events", "1/9")),
	}
	m.Apply(batch)
	m.Apply(batch) // at-least-once delivery
	got := m.Newest(2)
	if got.Total != 3 || got.ByOrigin["yard.events"] != 2 || len(got.Letters) != 2 || got.Letters[0].LogPosition != 4 || got.Letters[1].LogPosition != 3 || got.Letters[0].Position != "1/9" {
		t.Fatalf("newest = %+v", got)
	}
	pos, state, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r := New()
	if err := r.Restore(pos, state); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Newest(10), m.Newest(10)) {
		t.Fatalf("restored list differs:\n%#v\n%#v", r.Newest(10), m.Newest(10))
	}
}

// TestOnlyTheNewestAreKept: past keep letters, the oldest go, the counts go on.
func TestOnlyTheNewestAreKept(t *testing.T) {
	m := New()
	var batch []projections.Item
	for i := range keep + 10 {
		batch = append(batch, item(uint64(i+1), intake.MessageRefused{Origin: "yard.events", Payload: "{"}))
	}
	m.Apply(batch)
	got := m.Newest(2 * keep)
	if got.Total != keep+10 || len(got.Letters) != keep || got.Letters[0].LogPosition != keep+10 || got.Letters[keep-1].LogPosition != 11 {
		t.Fatalf("total %d, %d letters, newest %d, oldest %d", got.Total, len(got.Letters), got.Letters[0].LogPosition, got.Letters[len(got.Letters)-1].LogPosition)
	}
	if empty := New().Newest(5); empty.Letters != nil {
		t.Fatalf("an empty list is %#v", empty.Letters)
	}
}
