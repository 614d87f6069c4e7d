// Package policies ships the yearly policy files inside the binary; AAP_POLICY_DIR overrides them.
package policies

import "embed"

// FS holds YYYY.yaml for each year's instruction and demo.yaml.
//
//go:embed *.yaml
var FS embed.FS
