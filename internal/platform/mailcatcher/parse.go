package mailcatcher

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// maxMultipartDepth bounds the nesting of multipart entities.
const maxMultipartDepth = 16

// Attachment is a part of a message that is not its text or HTML body.
type Attachment struct {
	Filename    string // decoded file name (generated when the part has none)
	ContentType string // media type, e.g. "text/calendar" (without parameters)
	Size        int    // decoded size in bytes
	Content     []byte // decoded content
}

// Message is a caught message, parsed from its .eml file.
type Message struct {
	Summary
	Header      mail.Header // all headers, including the X-Catcher-* envelope headers
	TextBody    string      // decoded text/plain part, UTF-8
	HTMLBody    string      // decoded text/html part, UTF-8
	Attachments []Attachment
	Raw         []byte // the stored .eml file
}

// parseMessage parses a stored message. It never fails: when the headers
// cannot be parsed, the whole file is shown as the text body.
func parseMessage(id string, raw []byte, modTime time.Time) *Message {
	msg := &Message{Raw: raw}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		msg.Summary = Summary{ID: id, ReceivedAt: fallbackTime(id, modTime)}
		msg.Header = mail.Header{}
		msg.TextBody = strings.ToValidUTF8(string(raw), "\uFFFD")
		return msg
	}
	msg.Summary = summaryFromHeader(id, m.Header, modTime)
	msg.Header = m.Header
	p := &partWalker{msg: msg}
	p.walk(textproto.MIMEHeader(m.Header), m.Body, 0)
	return msg
}

type partWalker struct {
	msg *Message
	n   int // leaf counter, for generated attachment names
}

// walk handles one MIME entity: multiparts are descended into, the first
// inline text/plain and text/html leaves become the bodies, every other leaf
// is an attachment.
func (p *partWalker) walk(h textproto.MIMEHeader, body io.Reader, depth int) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", map[string]string{}
		if ct := strings.ToLower(strings.TrimSpace(h.Get("Content-Type"))); ct != "" {
			// Unparsable parameters: keep the media type if there is one.
			if mt, _, _ := strings.Cut(ct, ";"); strings.Contains(mt, "/") {
				mediaType = strings.TrimSpace(mt)
			}
		}
	}

	if strings.HasPrefix(mediaType, "multipart/") && params["boundary"] != "" && depth < maxMultipartDepth {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart() // raw: transfer encodings are decoded below, uniformly
			if err != nil {
				return // io.EOF, or a truncated/malformed multipart: keep what was found
			}
			p.walk(part.Header, part, depth+1)
		}
	}

	p.n++
	rawContent, _ := io.ReadAll(body)
	content := decodeTransfer(h.Get("Content-Transfer-Encoding"), rawContent)

	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	filename := decodeHeader(firstNonEmpty(dparams["filename"], params["name"]))
	isAttachment := disposition == "attachment" || filename != ""

	if !isAttachment {
		switch {
		case mediaType == "text/plain" && p.msg.TextBody == "":
			p.msg.TextBody = toUTF8(params["charset"], content)
			return
		case mediaType == "text/html" && p.msg.HTMLBody == "":
			p.msg.HTMLBody = toUTF8(params["charset"], content)
			return
		}
	}
	if filename == "" {
		filename = fmt.Sprintf("piece-jointe-%d%s", p.n, extensionFor(mediaType))
	}
	p.msg.Attachments = append(p.msg.Attachments, Attachment{
		Filename:    filename,
		ContentType: mediaType,
		Size:        len(content),
		Content:     content,
	})
}

// decodeTransfer undoes a Content-Transfer-Encoding; on a decoding error the
// raw bytes are kept.
func decodeTransfer(cte string, raw []byte) []byte {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, bytes.NewReader(stripBase64Noise(raw)))
	case "quoted-printable":
		r = quotedprintable.NewReader(bytes.NewReader(raw))
	default: // 7bit, 8bit, binary, unknown
		return raw
	}
	out, err := io.ReadAll(r)
	if err != nil && len(out) == 0 {
		return raw
	}
	return out
}

// stripBase64Noise removes the characters the base64 decoder does not skip
// by itself (spaces, tabs), keeping CR/LF which it does skip.
func stripBase64Noise(b []byte) []byte {
	if !bytes.ContainsAny(b, " \t") {
		return b
	}
	return bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, b)
}

// extensionFor returns a file extension for an unnamed attachment.
func extensionFor(mediaType string) string {
	switch mediaType {
	case "text/calendar":
		return ".ics"
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	case "message/rfc822":
		return ".eml"
	}
	if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// decodeHeader decodes RFC 2047 encoded words; the value is returned
// unchanged when it cannot be decoded.
func decodeHeader(v string) string {
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	out, err := dec.DecodeHeader(v)
	if err != nil {
		return v
	}
	return out
}

// charsetReader is used by mime.WordDecoder for the charsets it does not
// know natively (it handles utf-8, iso-8859-1 and us-ascii).
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	s, ok := decodeCharset(charset, b)
	if !ok {
		return nil, fmt.Errorf("unsupported charset %q", charset)
	}
	return strings.NewReader(s), nil
}

// toUTF8 converts a text body to UTF-8. Unknown charsets are kept as is
// when they happen to be valid UTF-8; invalid bytes are replaced.
func toUTF8(charset string, b []byte) string {
	if s, ok := decodeCharset(charset, b); ok {
		return s
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// decodeCharset converts the charsets commonly found in French mail to
// UTF-8. It reports false for other charsets.
func decodeCharset(charset string, b []byte) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso_8859-1":
		return singleByte(b, nil), true
	case "iso-8859-15", "latin9", "latin-9", "iso8859-15":
		return singleByte(b, latin9), true
	case "windows-1252", "cp1252":
		return singleByte(b, cp1252), true
	}
	return "", false
}

// singleByte decodes a Latin-1 compatible charset; override maps the code
// points that differ from Latin-1.
func singleByte(b []byte, override func(byte) (rune, bool)) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		if override != nil {
			if r, ok := override(c); ok {
				sb.WriteRune(r)
				continue
			}
		}
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// latin9 lists the ISO-8859-15 code points that differ from ISO-8859-1.
func latin9(c byte) (rune, bool) {
	switch c {
	case 0xA4:
		return '€', true
	case 0xA6:
		return 'Š', true
	case 0xA8:
		return 'š', true
	case 0xB4:
		return 'Ž', true
	case 0xB8:
		return 'ž', true
	case 0xBC:
		return 'Œ', true
	case 0xBD:
		return 'œ', true
	case 0xBE:
		return 'Ÿ', true
	}
	return 0, false
}

// cp1252 maps the windows-1252 range 0x80–0x9F.
func cp1252(c byte) (rune, bool) {
	if c < 0x80 || c > 0x9F {
		return 0, false
	}
	table := [32]rune{
		'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡',
		'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
		'\uFFFD', '‘', '’', '“', '”', '•', '–', '—',
		'˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
	}
	return table[c-0x80], true
}
