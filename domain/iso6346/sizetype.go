package iso6346

import (
	"fmt"
	"strings"
)

// SizeType is an ISO 6346 size and type code such as "22G1" (20 ft general purpose), "45R1" (40 ft
// high-cube reefer) or "L5G1" (45 ft high cube).
type SizeType string

// lengthFeet maps the first character (length code) to the nominal length in feet.
var lengthFeet = map[byte]int{
	'1': 10, '2': 20, '3': 30, '4': 40,
	'A': 24, 'B': 24, 'C': 24, 'D': 29, 'E': 35, 'F': 40, 'G': 41, 'H': 43, 'K': 44, 'L': 45, 'M': 48, 'N': 49, 'P': 53,
}

// heightCodes are the second character: height (and width) codes.
const heightCodes = "024568CDEFLMNP9"

// typeGroups are the third character: G general, V ventilated, B bulk, S named cargo, R reefer,
// H insulated, U open top, P platform/flat, T tank, A air/surface.
const typeGroups = "GVBSRHUPTA"

// ParseSizeType returns the canonical (upper-case) code or why s is not one.
func ParseSizeType(s string) (SizeType, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if len(c) != 4 {
		return "", fmt.Errorf("%q is not a 4-character size-type code like 22G1", s)
	}
	if _, ok := lengthFeet[c[0]]; !ok {
		return "", fmt.Errorf("%q: unknown length code %q", s, c[0])
	}
	if !strings.ContainsRune(heightCodes, rune(c[1])) {
		return "", fmt.Errorf("%q: unknown height code %q", s, c[1])
	}
	if !strings.ContainsRune(typeGroups, rune(c[2])) {
		return "", fmt.Errorf("%q: unknown type group %q", s, c[2])
	}
	if c[3] < '0' || c[3] > '9' {
		return "", fmt.Errorf("%q: type detail %q must be a digit", s, c[3])
	}
	return SizeType(c), nil
}

// LengthFeet is the nominal length in feet (20, 40, 45 …); 0 for a malformed code.
func (t SizeType) LengthFeet() int {
	if len(t) != 4 {
		return 0
	}
	return lengthFeet[t[0]]
}

// TEU is the box's size in twenty-foot equivalent units: 1 up to 24 ft, 2 above.
func (t SizeType) TEU() int {
	if t.LengthFeet() > 24 {
		return 2
	}
	return 1
}

// Reefer reports whether the type group is a refrigerated one (R).
func (t SizeType) Reefer() bool { return len(t) == 4 && t[2] == 'R' }
