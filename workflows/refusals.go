package workflows

import "github.com/dian-p104/aap/activities"

// An Update whose record the database refuses for good (activities' storeError)
// fails at once with one of these types, so its caller is answered and the
// workflow takes the next command; the API maps them in one place (api/update.go).
const (
	// ErrTypeInvalidData: a value the database refuses (a NUL byte, a CHECK constraint).
	ErrTypeInvalidData = activities.ErrTypeInvalidData
	// ErrTypeDuplicate: a write breaking a unique constraint.
	ErrTypeDuplicate = activities.ErrTypeDuplicate
)
