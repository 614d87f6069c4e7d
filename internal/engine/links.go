package engine

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
)

// errNeedsLinkSecret: outside `aap dev` the links' secret must be shared by every replica.
var errNeedsLinkSecret = errors.New("AAP_LINK_SECRET is required outside `aap dev` (at least 32 characters, e.g. `openssl rand -hex 32`): it signs the links emailed to associations")

// linkSigner signs the associations' links with AAP_LINK_SECRET; in dev, when it
// is unset, with a secret made once and kept in the data directory, so links
// sent before a restart still open after it.
func linkSigner(cfg config.Config, dev bool) (*auth.LinkSigner, error) {
	secret := cfg.LinkSecret
	if secret == "" && !dev {
		return nil, errNeedsLinkSecret
	}
	if secret == "" {
		var err error
		if secret, err = devLinkSecret(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	return auth.NewLinkSigner([]byte(secret))
}

func devLinkSecret(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "link-secret")
	if raw, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(raw))) >= 32 {
		return strings.TrimSpace(string(raw)), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("link secret: %w", err)
	}
	secret := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the dev link secret in %s: %w", path, err)
	}
	return secret, nil
}
