// Package auth says who calls the API and what they may reach: bearer tokens
// (only their SHA-256 is stored), the principal a token stands for and its
// territorial scope, the signed links emailed to associations, and a rate
// limit per token.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Roles of a token.
const (
	RoleDIAN          = "dian"          // national administration: reads everything, manages policies and every call
	RoleCorrespondent = "correspondent" // regional or departmental correspondent: its territory's calls
)

// tokenPrefix makes a leaked token recognisable by secret scanners.
const tokenPrefix = "aap_"

// Errors of Authenticate; the API answers each with a 401.
var (
	ErrMissingToken = errors.New("missing bearer token")
	ErrUnknownToken = errors.New("unknown token")
	ErrRevokedToken = errors.New("revoked token")
	ErrExpiredToken = errors.New("expired token")
)

// NewToken describes a token to create.
type NewToken struct {
	Name string
	Role string
	// Territory is a correspondent's INSEE code; Level "regional" or "departmental"
	// ("" derives it: a region's code is the region's, unless only a department has it).
	Territory string
	Level     string
	// TTL is the token's life; 0: it does not expire.
	TTL time.Duration
}

// Validate checks the request and fills the level.
func (n *NewToken) Validate() error {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" || len(n.Name) > 200 {
		return errors.New("--name is required (at most 200 characters), e.g. \"DDETS du Rhône\"")
	}
	switch n.Role {
	case RoleDIAN:
		if n.Territory != "" || n.Level != "" {
			return errors.New("a dian token has no --territory: it covers the whole country")
		}
		return nil
	case RoleCorrespondent:
	default:
		return fmt.Errorf("--role %q: expected dian or correspondent", n.Role)
	}
	level, err := LevelOf(n.Territory, n.Level)
	if err != nil {
		return err
	}
	n.Level = level
	if n.TTL < 0 {
		return errors.New("--expires must be positive")
	}
	return nil
}

// LevelOf derives a correspondent's level from its territory code: most region
// codes are also department codes (84 is Auvergne-Rhône-Alpes and Vaucluse), so
// a code that names a region is the region's unless level says "departmental".
func LevelOf(code, level string) (string, error) {
	_, isRegion := territory.LookupRegion(code)
	_, isDepartment := territory.LookupDepartment(code)
	switch {
	case level == "" && isRegion, level == models.LevelRegional && isRegion:
		return models.LevelRegional, nil
	case level == "" && isDepartment, level == models.LevelDepartmental && isDepartment:
		return models.LevelDepartmental, nil
	case level != "" && level != models.LevelRegional && level != models.LevelDepartmental:
		return "", fmt.Errorf("--level %q: expected regional or departmental", level)
	default:
		return "", fmt.Errorf("--territory %q: no %s has this INSEE code", code, orAny(level))
	}
}

func orAny(level string) string {
	switch level {
	case models.LevelRegional:
		return "region"
	case models.LevelDepartmental:
		return "department"
	}
	return "region or department"
}

// Hash is the stored form of a token's secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Issue creates a token and returns its secret, shown once and never stored.
func Issue(ctx context.Context, tokens *store.Tokens, n NewToken, now time.Time) (string, *models.APIToken, error) {
	if err := n.Validate(); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("token secret: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := &models.APIToken{Name: n.Name, Hash: Hash(secret), Role: n.Role, Level: n.Level,
		Territory: n.Territory, CreatedAt: now.UTC()}
	if n.TTL > 0 {
		exp := now.Add(n.TTL).UTC()
		t.ExpiresAt = &exp
	}
	if err := tokens.Create(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Authenticate finds the principal of a bearer secret.
func Authenticate(ctx context.Context, tokens *store.Tokens, secret string, now time.Time) (Principal, error) {
	if secret == "" {
		return Principal{}, ErrMissingToken
	}
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 200 {
		return Principal{}, ErrUnknownToken
	}
	t, err := tokens.ByHash(ctx, Hash(secret))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnknownToken
	}
	if err != nil {
		return Principal{}, err
	}
	if t.RevokedAt != nil && !t.RevokedAt.After(now) {
		return Principal{}, ErrRevokedToken
	}
	if t.ExpiresAt != nil && !t.ExpiresAt.After(now) {
		return Principal{}, ErrExpiredToken
	}
	if TouchDue(t.LastUsedAt, now) {
		_ = tokens.Touch(ctx, t.ID, now, TouchEvery) // last use is a hint; a failed write must not refuse the call
	}
	return PrincipalOf(t), nil
}

// TouchEvery is how stale a token's recorded last use may be: a read does not
// write, only the first use of a token in each such span records it (under load
// every read wrote the token's row, serialised behind SQLite's write lock).
const TouchEvery = 5 * time.Minute

// TouchDue reports whether a use at now must record the token's last use:
// never recorded, or recorded TouchEvery ago or more.
func TouchDue(lastUsed *time.Time, now time.Time) bool {
	return lastUsed == nil || now.Sub(*lastUsed) >= TouchEvery
}

// ParseTTL reads --expires: a Go duration or a number of days ("90d").
func ParseTTL(s string) (time.Duration, error) {
	if s == "" || s == "0" || s == "never" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == days {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: expected a number of days (90d) or a duration (12h), or never", s)
	}
	return d, nil
}
