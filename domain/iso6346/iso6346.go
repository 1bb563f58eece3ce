// Package iso6346 reads the container codes of ISO 6346: container numbers with their check digit
// and the size-type codes (22G1, 45R1, L5G1 …).
package iso6346

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ContainerID is an ISO 6346 container number in its canonical form: four capital letters (owner
// code and equipment category U, J or Z), six serial digits and a check digit, no spaces, e.g. "MSCU1234565".
//
// A ContainerID from ParseContainerID is well formed; its check digit may still be wrong, which is a
// fact about the box as reported, not a malformed message: ask CheckDigitOK.
type ContainerID string

// ParseContainerID returns the canonical form of s (spaces and dashes removed, upper case) or an error
// saying why s is not shaped like a container number.
//
// It is on the path of every event that names a box, so it does not allocate for a number already
// in canonical form and allocates the result only otherwise (it used to build a strings.Replacer on
// every call, about 6 % of ingest).
func ParseContainerID(s string) (ContainerID, error) {
	var buf [11]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c >= utf8.RuneSelf:
			return parseUnicode(s) // upper-casing may change the length: let strings do it
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if n == len(buf) {
			return "", fmt.Errorf("%q is not 11 characters (4 letters, 7 digits)", s)
		}
		buf[n] = c
		n++
	}
	if err := checkShape(s, buf[:n]); err != nil {
		return "", err
	}
	if string(buf[:]) == s { // compared without a copy
		return ContainerID(s), nil
	}
	return ContainerID(buf[:]), nil
}

// dropSeparators removes the spaces and dashes a container number is often written with.
var dropSeparators = strings.NewReplacer(" ", "", "-", "")

// parseUnicode is ParseContainerID for input that is not plain ASCII, which is never a valid
// number but gets the same explanation as before.
func parseUnicode(s string) (ContainerID, error) {
	c := strings.ToUpper(dropSeparators.Replace(s))
	if err := checkShape(s, []byte(c)); err != nil {
		return "", err
	}
	return ContainerID(c), nil
}

// checkShape says why c, the canonical form of s, is not four letters (the last U, J or Z) and
// seven digits.
func checkShape(s string, c []byte) error {
	if len(c) != 11 {
		return fmt.Errorf("%q is not 11 characters (4 letters, 7 digits)", s)
	}
	for i := 0; i < 4; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return fmt.Errorf("%q: character %d must be a letter", s, i+1)
		}
	}
	if c[3] != 'U' && c[3] != 'J' && c[3] != 'Z' {
		return fmt.Errorf("%q: equipment category %q must be U, J or Z", s, c[3])
	}
	for i := 4; i < 11; i++ {
		if c[i] < '0' || c[i] > '9' {
			return fmt.Errorf("%q: character %d must be a digit", s, i+1)
		}
	}
	return nil
}

// CheckDigitOK reports whether the last digit is the ISO 6346 check digit of the first ten characters.
func (c ContainerID) CheckDigitOK() bool {
	if len(c) != 11 {
		return false
	}
	d, err := CheckDigit(string(c[:10]))
	return err == nil && int(c[10]-'0') == d
}

// CheckDigit computes the ISO 6346 check digit of an owner code, category and serial ("MSCU123456").
func CheckDigit(first10 string) (int, error) {
	if len(first10) != 10 {
		return 0, errors.New("iso6346: check digit needs 10 characters")
	}
	sum := 0
	for i := 0; i < 10; i++ {
		v, ok := charValue(first10[i])
		if !ok {
			return 0, fmt.Errorf("iso6346: character %q has no value", first10[i])
		}
		sum += v << i // weight 2^i
	}
	return sum % 11 % 10, nil // a remainder of 10 is written as 0
}

// charValue gives digits their own value and letters 10 upwards, skipping multiples of 11.
func charValue(b byte) (int, bool) {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0'), true
	case b >= 'A' && b <= 'Z':
		v := 10 + int(b-'A')
		v += (v - 1) / 10 // 11, 22, 33 are skipped
		return v, true
	}
	return 0, false
}

// Check says why c is not a canonical container number ("is required", malformed, or not written in
// canonical form), or nil. A wrong check digit is not an error here: see CheckDigitOK.
func (c ContainerID) Check() error {
	if c == "" {
		return errors.New("is required")
	}
	canon, err := ParseContainerID(string(c))
	if err != nil {
		return err
	}
	if canon != c {
		return fmt.Errorf("%q must be written %q (upper case, no spaces)", string(c), string(canon))
	}
	return nil
}
