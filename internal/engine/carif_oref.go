package engine

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/dian-p104/aap/internal/rules/territory"
)

// loadCarifOref reads AAP_CARIF_OREF_FILE: each region's Carif-Oref address,
// which receives the list of the language actions funded in the region (§4.1.2).
func loadCarifOref(path string) (map[string]string, error) {
	if path == "" {
		return map[string]string{}, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("AAP_CARIF_OREF_FILE: %w", err)
	}
	var byRegion map[string]string
	if err := yaml.Unmarshal(raw, &byRegion); err != nil {
		return nil, fmt.Errorf("AAP_CARIF_OREF_FILE %s: %w", path, err)
	}
	regions := make([]string, 0, len(byRegion))
	for code := range byRegion {
		regions = append(regions, code)
	}
	sort.Strings(regions)
	var errs []error
	for _, code := range regions {
		if _, ok := territory.LookupRegion(code); !ok {
			errs = append(errs, fmt.Errorf("%q is not an INSEE region code", code))
		}
		if _, err := mail.ParseAddress(byRegion[code]); err != nil {
			errs = append(errs, fmt.Errorf("region %s: %q is not an email address", code, byRegion[code]))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("AAP_CARIF_OREF_FILE %s: %w", path, err)
	}
	return byRegion, nil
}
