package contract

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Text. encoding/json reads bytes that are not UTF-8, and \u escapes of lone UTF-16 surrogates,
// into U+FFFD without a word, while the event's data is stored as sent. Stored, such bytes would be
// served later as JSON that no strict reader accepts (and that the page's stream cannot show), so the
// contract refuses them, naming each string they sit in.

// textOK reports whether raw is UTF-8 with no escaped lone surrogate: the fast path, which holds for
// nearly every event.
func textOK(raw []byte) bool {
	return utf8.Valid(raw) && !hasLoneSurrogate(raw)
}

// hasLoneSurrogate reports whether raw has a \u escape of a UTF-16 surrogate that is not the high half
// of a pair followed by the low half.
func hasLoneSurrogate(raw []byte) bool {
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += j
		if !escaped(raw, i) {
			i += 2 // "\\u": an escaped backslash, then a u
			continue
		}
		r, lone := surrogate(raw[i:])
		switch {
		case lone:
			return true
		case r >= 0xd800 && r < 0xdc00:
			i += 12 // a whole pair
		default:
			i += 2
		}
	}
}

// surrogate reads the \u escape esc starts with (the backslash at esc[0]): its code and whether it
// is half of a surrogate pair without the other half. A pair takes 12 bytes.
func surrogate(esc []byte) (r rune, lone bool) {
	r, ok := hex4(esc[2:])
	switch {
	case !ok || r < 0xd800 || r >= 0xe000:
		return r, false
	case r >= 0xdc00:
		return r, true // a low half first
	}
	if len(esc) < 12 || esc[6] != '\\' || esc[7] != 'u' {
		return r, true
	}
	lo, ok := hex4(esc[8:])
	return r, !ok || lo < 0xdc00 || lo >= 0xe000
}

// escaped reports whether the backslash at raw[i] starts an escape: an even number of backslashes
// comes before it.
func escaped(raw []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && raw[j] == '\\'; j-- {
		n++
	}
	return n%2 == 0
}

// textFaults names every string of the JSON value raw, under prefix, that is not UTF-8 text or
// holds a lone surrogate; a field name at fault is named by the object it is in. It returns nil
// when raw cannot be walked (it is not JSON: the decoder says so).
func textFaults(prefix string, raw []byte) []es.FieldError {
	var out []es.FieldError
	walkText(prefix, raw, &out)
	return out
}

func walkText(path string, raw []byte, out *[]es.FieldError) {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return
	}
	name := path
	if name == "" {
		name = es.WholeEvent
	}
	add := func(why string) {
		for _, f := range *out {
			if f.Field == name {
				return // one reason a field
			}
		}
		*out = append(*out, es.FieldError{Field: name, Reason: why})
	}
	switch raw[0] {
	case '"':
		if why := stringFault(raw); why != "" {
			add(why)
		}
	case '{':
		members, ok := es.Members(raw)
		if !ok {
			return
		}
		for _, m := range members {
			if why := stringFault(m.Quoted); why != "" {
				add("has a field name that " + why)
				continue
			}
			walkText(joinField(path, m.Name), m.Value, out)
		}
	case '[':
		elems, ok := es.Elements(raw)
		if !ok {
			return
		}
		for i, e := range elems {
			walkText(name+"["+strconv.Itoa(i)+"]", e, out)
		}
	}
}

// joinField names member name of the value at path; an empty name is written "".
func joinField(path, name string) string {
	if name == "" {
		name = `""`
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// stringFault says why the JSON string literal lit (from its opening quote; the rest of the text may
// follow) is not text, or "" when it is.
func stringFault(lit []byte) string {
	for i := 1; i < len(lit); {
		switch c := lit[i]; {
		case c == '"':
			return ""
		case c == '\\' && i+1 < len(lit) && lit[i+1] == 'u':
			r, lone := surrogate(lit[i:])
			if lone {
				return fmt.Sprintf(`has \u%04x, half of a UTF-16 surrogate pair without the other half, which is no character`, r)
			}
			if r >= 0xd800 && r < 0xdc00 {
				i += 12 // a whole pair
			} else {
				i += 6
			}
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(lit[i:])
			if r == utf8.RuneError && n <= 1 {
				return fmt.Sprintf("is not UTF-8 text: byte %#02x at byte %d of the string", c, i-1)
			}
			i += n
		}
	}
	return ""
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}
