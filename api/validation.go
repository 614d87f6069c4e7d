package api

import (
	"fmt"
	"net/mail"
	"time"
)

// validation collects every field error of one request.
type validation struct{ errs []FieldError }

// add records that field breaks rule, with a French message.
func (v *validation) add(field, rule, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (v *validation) failed() bool { return len(v.errs) > 0 }

// has reports whether a field already has an error.
func (v *validation) has(field string) bool {
	for _, e := range v.errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// checkText checks a required text's length in characters.
func checkText(v *validation, field, value string, minLen, maxLen int) {
	n := len([]rune(value))
	switch {
	case n == 0:
		v.add(field, "required", "champ obligatoire")
	case n < minLen:
		v.add(field, "min_length", "au moins %d caractères", minLen)
	case n > maxLen:
		v.add(field, "max_length", "au plus %d caractères", maxLen)
	}
}

// checkEmail checks a required email address, given bare.
func checkEmail(v *validation, field, value string) {
	if value == "" {
		v.add(field, "required", "adresse électronique obligatoire")
		return
	}
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || len(value) > 254 {
		v.add(field, "email", "adresse électronique invalide")
	}
}

// checkDate checks a "2006-01-02" calendar date.
func checkDate(v *validation, field, value string) {
	if value == "" {
		v.add(field, "required", "champ obligatoire (date AAAA-MM-JJ)")
		return
	}
	if _, err := time.Parse(time.DateOnly, value); err != nil {
		v.add(field, "format", "date AAAA-MM-JJ attendue, par exemple 2027-06-15")
	}
}
