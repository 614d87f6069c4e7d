package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Actions an association can take through an emailed link; each link reaches one item.
const (
	LinkAcknowledge = "acknowledge" // acknowledge receipt of a dossier (item: application ID)
	LinkSign        = "sign"        // sign a convention (item: convention ID)
	LinkPNE         = "pne"         // declare a PNE answer (item: "year/structure ID")
	// LinkFinancialReport sends a signed convention's compte-rendu financier (item: convention ID).
	LinkFinancialReport = "financial-report"
	// LinkDossier opens the association's « Mon dossier » page (item: application ID): the
	// dossier's state, its documents, and the one action due on it now, whichever it is.
	LinkDossier = "dossier"
)

// Errors of Verify; the link page shows each in French.
var (
	ErrLinkInvalid = errors.New("link invalid or tampered with")
	ErrLinkExpired = errors.New("link expired")
)

// Link is what a signed link lets its holder do.
type Link struct {
	Action  string    `json:"a"`
	Item    string    `json:"i"`
	Expires time.Time `json:"-"`
	ExpUnix int64     `json:"e"`
	// Nonce makes every link random, so none can be guessed from another.
	Nonce string `json:"n"`
}

// LinkSigner signs and verifies association links with an HMAC-SHA256 secret
// (AAP_LINK_SECRET). The link carries its action, item and expiry, never a
// workflow ID or personal data.
type LinkSigner struct{ secret []byte }

// NewLinkSigner returns a signer; the secret must be at least 32 bytes.
func NewLinkSigner(secret []byte) (*LinkSigner, error) {
	if len(secret) < 32 {
		return nil, errors.New("link secret: at least 32 bytes")
	}
	return &LinkSigner{secret: secret}, nil
}

// Sign returns the token of a link to do action on item until expires.
func (s *LinkSigner) Sign(action, item string, expires time.Time) (string, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("link nonce: %w", err)
	}
	payload, err := json.Marshal(Link{Action: action, Item: item, ExpUnix: expires.Unix(),
		Nonce: base64.RawURLEncoding.EncodeToString(nonce)})
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + s.mac(body), nil
}

// Verify checks a link's signature and expiry and returns what it allows.
func (s *LinkSigner) Verify(token string, now time.Time) (Link, error) {
	body, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1000 || !hmac.Equal([]byte(sig), []byte(s.mac(body))) {
		return Link{}, ErrLinkInvalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Link{}, ErrLinkInvalid
	}
	var l Link
	if err := json.Unmarshal(payload, &l); err != nil || l.Action == "" || l.Item == "" {
		return Link{}, ErrLinkInvalid
	}
	l.Expires = time.Unix(l.ExpUnix, 0).UTC()
	if !l.Expires.After(now) {
		return l, ErrLinkExpired
	}
	return l, nil
}

func (s *LinkSigner) mac(body string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
