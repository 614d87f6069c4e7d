package textinput

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// CheckJSON walks a JSON document and refuses every string (value or key)
// that Check refuses, naming it by its JSON path ("association.name",
// "decisions[2].motivation"). Invalid UTF-8 is found on the raw bytes, since
// encoding/json would silently turn it into U+FFFD. A document that is not
// valid JSON is left to the decoder: CheckJSON reports what it read before.
func CheckJSON(body []byte) []Refusal {
	bad := firstInvalidUTF8(body)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out []Refusal
	var stack []*jsonFrame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		end := dec.InputOffset()
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, &jsonFrame{path: top.valuePath(), array: d == '[', wantKey: d == '{'})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 {
					stack[len(stack)-1].valueDone()
				}
			}
			continue
		}
		s, isString := tok.(string)
		isKey := top != nil && !top.array && top.wantKey
		field := top.valuePath()
		if isKey {
			field = joinKey(top.path, s)
		}
		if isString {
			if bad >= start && bad < end {
				out = append(out, *invalidUTF8(field))
			} else if r := Check(field, s); r != nil {
				out = append(out, *r)
			}
		}
		switch {
		case isKey:
			top.key, top.wantKey = s, false
		case top != nil:
			top.valueDone()
		}
	}
}

// jsonFrame is one object or array being walked.
type jsonFrame struct {
	path    string
	array   bool
	index   int
	key     string
	wantKey bool
}

// valuePath is the path of the value being read in f (the root's is "").
func (f *jsonFrame) valuePath() string {
	switch {
	case f == nil:
		return ""
	case f.array:
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	default:
		return joinKey(f.path, f.key)
	}
}

func (f *jsonFrame) valueDone() {
	if f.array {
		f.index++
	} else {
		f.wantKey = true
	}
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// firstInvalidUTF8 is the offset of the first byte of body that is not valid UTF-8, or -1.
func firstInvalidUTF8(body []byte) int64 {
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size <= 1 {
			return int64(i)
		}
		i += size
	}
	return -1
}
