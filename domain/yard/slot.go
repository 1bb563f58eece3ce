package yard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNoSuchSlot says a slot lies outside its block (bay, row or tier out of range). The error
// wrapping it says which number and what the block allows.
var ErrNoSuchSlot = errors.New("yard: no such slot")

// SlotError says which coordinate of a slot lies outside its block. It matches ErrNoSuchSlot.
type SlotError struct {
	Block string
	Field string // "bay", "row" or "tier"
	Value int    // as given
	Max   int    // the block's largest; the smallest is always 1
}

func (e *SlotError) Error() string {
	verb := "has " + e.Field + "s"
	if e.Field == "tier" {
		verb = "stacks tiers"
	}
	return fmt.Sprintf("%v: block %s %s 1 to %d, not %d", ErrNoSuchSlot, e.Block, verb, e.Max, e.Value)
}

// Unwrap makes errors.Is(err, ErrNoSuchSlot) true.
func (e *SlotError) Unwrap() error { return ErrNoSuchSlot }

// ErrUnknownBlock says a slot or crane names a block the layout does not have.
var ErrUnknownBlock = errors.New("yard: unknown block")

// Slot is one place for one 20-ft container: a block, a bay along the block, a row across it and a
// tier up from the ground (1 is on the ground). Numbers count from 1; see the package doc for which
// corner is bay 1, row 1. A 40-ft container stands on two consecutive bays and is addressed by the
// lower one.
//
// Its text form is "<block>.<bay>.<row>.<tier>" with bay and row zero-padded to two digits:
// "A01.07.03.2" is block A01, bay 7, row 3, tier 2. Block ids never contain a dot. In JSON a Slot is
// an object ({"block":"A01","bay":7,"row":3,"tier":2}), which a JSON Schema can check field by field.
type Slot struct {
	Block string `json:"block"`
	Bay   int    `json:"bay"`
	Row   int    `json:"row"`
	Tier  int    `json:"tier"`
}

// String returns the slot's canonical text form, e.g. "A01.07.03.2".
func (s Slot) String() string {
	return fmt.Sprintf("%s.%02d.%02d.%d", s.Block, s.Bay, s.Row, s.Tier)
}

// maxSlotNumber bounds bay, row and tier numbers; it keeps the text form at three digits or fewer.
const maxSlotNumber = 999

// ParseSlot reads a slot's text form, "<block>.<bay>.<row>.<tier>". It accepts numbers with or
// without zero padding ("A01.7.3.2" and "A01.07.03.02" both give A01.07.03.2); it does not check the
// slot against a layout (see Layout.ValidSlot).
func ParseSlot(text string) (Slot, error) {
	parts := strings.Split(text, ".")
	if len(parts) != 4 {
		return Slot{}, fmt.Errorf("parse slot %q: want <block>.<bay>.<row>.<tier>, e.g. A01.07.03.2", text)
	}
	if err := checkID(parts[0]); err != nil {
		return Slot{}, fmt.Errorf("parse slot %q: block: %w", text, err)
	}
	s := Slot{Block: parts[0]}
	for i, dst := range []*int{&s.Bay, &s.Row, &s.Tier} {
		n, err := parseSlotNumber(parts[i+1])
		if err != nil {
			return Slot{}, fmt.Errorf("parse slot %q: %s: %w", text, [...]string{"bay", "row", "tier"}[i], err)
		}
		*dst = n
	}
	return s, nil
}

func parseSlotNumber(s string) (int, error) {
	if s == "" || len(s) > 3 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a number from 1 to %d", s, maxSlotNumber)
	}
	n, _ := strconv.Atoi(s) // only digits, at most three: cannot fail
	if n < 1 {
		return 0, fmt.Errorf("%q is not a number from 1 to %d", s, maxSlotNumber)
	}
	return n, nil
}

// maxIDLen bounds the length of every id in a layout.
const maxIDLen = 32

// checkID accepts the ids a layout may use: 1 to 32 ASCII letters, digits, '-' or '_'. Ids are
// case-sensitive. Keeping dots (and spaces, slashes) out keeps slot text and URLs unambiguous.
func checkID(id string) error {
	if id == "" {
		return errors.New("empty id")
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("id %q is longer than %d characters", id, maxIDLen)
	}
	for _, r := range id {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return fmt.Errorf("id %q has %q; use letters, digits, '-' and '_'", id, r)
		}
	}
	return nil
}
