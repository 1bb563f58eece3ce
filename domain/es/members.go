package es

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Member is one name and value of a JSON object, as written.
type Member struct {
	Name   string          // unescaped
	Quoted []byte          // the name as written, quotes included
	Value  json.RawMessage // the value's bytes
}

// Members returns the members of the JSON object raw in the order written, or false when raw is not
// a JSON object. It reads the structure only (strings, nesting), so it costs far less than decoding
// into a map. It does not check that numbers, literals and brackets are well formed (a decoder of the
// same bytes does): on text that is not JSON its answer is unspecified, but it never panics. Names
// are read as encoding/json reads them; duplicate names are all returned.
func Members(raw []byte) ([]Member, bool) {
	var out []Member
	ok := EachMember(raw, func(quoted, value []byte) bool {
		name, ok := unquote(quoted)
		if ok {
			out = append(out, Member{Name: name, Quoted: quoted, Value: value})
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	return out, true
}

// EachMember calls fn with each member of the JSON object raw in the order written: its name as
// written (quotes and escapes included) and its value, both sub-slices of raw, until fn returns
// false. It reports false when raw is not a JSON object (fn may have seen some members before that
// shows) or fn stopped. It allocates nothing, for the checks every event passes; Members says what
// it checks.
func EachMember(raw []byte, fn func(quoted, value []byte) bool) bool {
	s := walker{b: raw}
	s.space()
	if !s.take('{') {
		return false
	}
	s.space()
	if s.take('}') {
		return s.end()
	}
	for {
		s.space()
		k0, k1, ok := s.str()
		if !ok {
			return false
		}
		s.space()
		if !s.take(':') {
			return false
		}
		s.space()
		v0, v1, ok := s.value()
		if !ok {
			return false
		}
		if !fn(raw[k0:k1:k1], raw[v0:v1:v1]) {
			return false
		}
		s.space()
		if s.take('}') {
			return s.end()
		}
		if !s.take(',') {
			return false
		}
	}
}

// Elements returns the elements of the JSON array raw in order, or false when raw is not a JSON
// array. Like Members it reads the structure only.
func Elements(raw []byte) ([]json.RawMessage, bool) {
	s := walker{b: raw}
	s.space()
	if !s.take('[') {
		return nil, false
	}
	var out []json.RawMessage
	s.space()
	if s.take(']') {
		return ends(out, &s)
	}
	for {
		s.space()
		v0, v1, ok := s.value()
		if !ok {
			return nil, false
		}
		out = append(out, raw[v0:v1:v1])
		s.space()
		if s.take(']') {
			return ends(out, &s)
		}
		if !s.take(',') {
			return nil, false
		}
	}
}

// Values splits raw into the JSON values it holds one after another, separated by white space (as
// NDJSON is), each as sent. ok is false when raw holds anything else; encoding/json then says where.
func Values(raw []byte) (out []json.RawMessage, ok bool) {
	s := walker{b: raw}
	for {
		s.space()
		if s.i == len(s.b) {
			return out, true
		}
		v0, v1, ok := s.value()
		if !ok {
			return nil, false
		}
		out = append(out, raw[v0:v1:v1])
	}
}

// ends returns out when only white space follows.
func ends(out []json.RawMessage, w *walker) ([]json.RawMessage, bool) {
	if !w.end() {
		return nil, false
	}
	return out, true
}

// unquote returns the text of a JSON string literal (quotes included) as encoding/json reads it.
func unquote(lit []byte) (string, bool) {
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1]), true
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", false
	}
	return s, true
}

// walker steps over JSON text without decoding it.
type walker struct {
	b []byte
	i int
}

func (w *walker) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

func (w *walker) take(c byte) bool {
	if w.i < len(w.b) && w.b[w.i] == c {
		w.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (w *walker) end() bool {
	w.space()
	return w.i == len(w.b)
}

// str steps over a string literal and returns its span, quotes included.
func (w *walker) str() (start, end int, ok bool) {
	start = w.i
	if !w.take('"') {
		return 0, 0, false
	}
	for w.i < len(w.b) {
		switch c := w.b[w.i]; {
		case c == '"':
			w.i++
			return start, w.i, true
		case c == '\\':
			w.i += 2
		case c < ' ':
			return 0, 0, false // a raw control character ends no valid string
		default:
			w.i++
		}
	}
	return 0, 0, false
}

// value steps over any value and returns its span.
func (w *walker) value() (start, end int, ok bool) {
	start = w.i
	if w.i >= len(w.b) {
		return 0, 0, false
	}
	switch w.b[w.i] {
	case '"':
		return w.str()
	case '{', '[':
		depth := 0
		for w.i < len(w.b) {
			switch w.b[w.i] {
			case '"':
				if _, _, ok := w.str(); !ok {
					return 0, 0, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					w.i++
					return start, w.i, true
				}
			}
			w.i++
		}
		return 0, 0, false
	}
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return start, w.i, w.i > start
		case '{', '[', '"', ':':
			return 0, 0, false
		}
		w.i++
	}
	return start, w.i, w.i > start
}
