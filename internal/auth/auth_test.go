package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

var now = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func TestIssueStoresOnlyTheHashAndAuthenticates(t *testing.T) {
	db := storetest.SQLite(t)
	tokens := store.NewTokens(db)
	secret, tok, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "DDETS du Rhône", Role: auth.RoleCorrespondent,
		Territory: "69", TTL: 90 * 24 * time.Hour}, now)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(secret, "aap_"))
	assert.NotContains(t, tok.Hash, secret)
	assert.Equal(t, auth.Hash(secret), tok.Hash)
	assert.Equal(t, models.LevelDepartmental, tok.Level, "69 is only a department")

	p, err := auth.Authenticate(t.Context(), tokens, secret, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, auth.Principal{TokenID: tok.ID, Name: "DDETS du Rhône", Role: auth.RoleCorrespondent,
		Level: models.LevelDepartmental, Territory: "69"}, p)

	_, err = auth.Authenticate(t.Context(), tokens, secret, now.Add(90*24*time.Hour))
	assert.ErrorIs(t, err, auth.ErrExpiredToken, "expired at its end")
	_, err = auth.Authenticate(t.Context(), tokens, secret+"x", now)
	assert.ErrorIs(t, err, auth.ErrUnknownToken)
	_, err = auth.Authenticate(t.Context(), tokens, "", now)
	assert.ErrorIs(t, err, auth.ErrMissingToken)
	require.NoError(t, tokens.Revoke(t.Context(), tok.ID, now.Add(2*time.Hour)))
	_, err = auth.Authenticate(t.Context(), tokens, secret, now.Add(3*time.Hour))
	assert.ErrorIs(t, err, auth.ErrRevokedToken)

	trail, total, err := store.NewAudit(db).List(t.Context(), store.AuditFilter{Entity: store.AuditToken, Limit: 10})
	require.NoError(t, err)
	require.EqualValues(t, 2, total, "created and revoked are in the audit trail")
	assert.Equal(t, []string{"revoked", "created"}, []string{trail[0].Action, trail[1].Action})
	for _, e := range trail {
		assert.NotContains(t, e.After, tok.Hash, "the hash stays out of the trail")
		assert.NotContains(t, e.After, secret)
	}
}

func TestNewTokenValidation(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n         auth.NewToken
		wantLevel string
		wantErr   string
	}{
		{"dian", auth.NewToken{Name: "DIAN", Role: auth.RoleDIAN}, "", ""},
		{"region code is the region's", auth.NewToken{Name: "DREETS", Role: auth.RoleCorrespondent, Territory: "84"}, models.LevelRegional, ""},
		{"Vaucluse asks for departmental", auth.NewToken{Name: "DDETS", Role: auth.RoleCorrespondent, Territory: "84", Level: "departmental"}, models.LevelDepartmental, ""},
		{"Corse-du-Sud", auth.NewToken{Name: "DDETS", Role: auth.RoleCorrespondent, Territory: "2A"}, models.LevelDepartmental, ""},
		{"69 is no region", auth.NewToken{Name: "x", Role: auth.RoleCorrespondent, Territory: "69", Level: "regional"}, "", "no region"},
		{"unknown code", auth.NewToken{Name: "x", Role: auth.RoleCorrespondent, Territory: "999"}, "", "no region or department"},
		{"correspondent needs a territory", auth.NewToken{Name: "x", Role: auth.RoleCorrespondent}, "", "--territory"},
		{"dian has no territory", auth.NewToken{Name: "x", Role: auth.RoleDIAN, Territory: "69"}, "", "no --territory"},
		{"unknown role", auth.NewToken{Name: "x", Role: "admin"}, "", "--role"},
		{"name required", auth.NewToken{Role: auth.RoleDIAN}, "", "--name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.n.Validate()
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantLevel, tc.n.Level)
		})
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "never": 0, "90d": 90 * 24 * time.Hour, "12h": 12 * time.Hour} {
		got, err := auth.ParseTTL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"-1d", "0d", "3 days", "1.5d", "-2h", "d"} {
		_, err := auth.ParseTTL(bad)
		assert.Error(t, err, bad)
	}
}

func TestScopes(t *testing.T) {
	dian := auth.Principal{Role: auth.RoleDIAN}
	region := auth.Principal{Role: auth.RoleCorrespondent, Level: models.LevelRegional, Territory: "84"}
	rhone := auth.Principal{Role: auth.RoleCorrespondent, Level: models.LevelDepartmental, Territory: "69"}
	for _, tc := range []struct {
		p            auth.Principal
		level, code  string
		read, manage bool
	}{
		{dian, models.LevelDepartmental, "13", true, true},
		{region, models.LevelRegional, "84", true, true},
		{region, models.LevelDepartmental, "69", true, false},
		{region, models.LevelDepartmental, "84", false, false}, // Vaucluse is in PACA
		{region, models.LevelRegional, "93", false, false},
		{rhone, models.LevelDepartmental, "69", true, true},
		{rhone, models.LevelRegional, "84", false, false},
		{rhone, models.LevelDepartmental, "01", false, false},
		{auth.Principal{}, models.LevelDepartmental, "69", false, false},
	} {
		assert.Equal(t, tc.read, tc.p.ReadScope().Covers(tc.level, tc.code), "%v reads %s %s", tc.p, tc.level, tc.code)
		assert.Equal(t, tc.manage, tc.p.ManageScope().Covers(tc.level, tc.code), "%v manages %s %s", tc.p, tc.level, tc.code)
	}
}

func TestRateLimiter(t *testing.T) {
	l := auth.NewRateLimiter(2)
	ok, _ := l.Allow(1, now)
	assert.True(t, ok)
	ok, _ = l.Allow(1, now)
	assert.True(t, ok)
	ok, wait := l.Allow(1, now)
	assert.False(t, ok)
	assert.Equal(t, 30*time.Second, wait)
	ok, _ = l.Allow(2, now)
	assert.True(t, ok, "another token has its own bucket")
	ok, _ = l.Allow(1, now.Add(30*time.Second))
	assert.True(t, ok, "refilled after 30 s")
	ok, _ = auth.NewRateLimiter(0).Allow(1, now)
	assert.True(t, ok, "0 disables the limit")
}

func TestLinks(t *testing.T) {
	s, err := auth.NewLinkSigner([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	_, err = auth.NewLinkSigner([]byte("short"))
	require.Error(t, err)

	token, err := s.Sign(auth.LinkSign, "conv-1", now.Add(time.Hour))
	require.NoError(t, err)
	other, err := s.Sign(auth.LinkSign, "conv-1", now.Add(time.Hour))
	require.NoError(t, err)
	assert.NotEqual(t, token, other, "links are random")

	l, err := s.Verify(token, now)
	require.NoError(t, err)
	assert.Equal(t, auth.LinkSign, l.Action)
	assert.Equal(t, "conv-1", l.Item)

	_, err = s.Verify(token, now.Add(time.Hour))
	assert.ErrorIs(t, err, auth.ErrLinkExpired)
	body, sig, _ := strings.Cut(token, ".")
	forged, err := s.Sign(auth.LinkSign, "conv-2", now.Add(time.Hour))
	require.NoError(t, err)
	forgedBody, _, _ := strings.Cut(forged, ".")
	_, err = s.Verify(forgedBody+"."+sig, now)
	assert.ErrorIs(t, err, auth.ErrLinkInvalid, "another item's body under this signature")
	_, err = s.Verify(body+"x."+sig, now)
	assert.ErrorIs(t, err, auth.ErrLinkInvalid)
	_, err = s.Verify("garbage", now)
	assert.ErrorIs(t, err, auth.ErrLinkInvalid)
	otherKey, _ := auth.NewLinkSigner([]byte(strings.Repeat("z", 32)))
	_, err = otherKey.Verify(token, now)
	assert.ErrorIs(t, err, auth.ErrLinkInvalid, "signed with another secret")
}
