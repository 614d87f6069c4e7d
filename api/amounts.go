package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Amounts travel as decimal euros in JSON ("12500.50") and as integer cents inside.
var eurosPattern = regexp.MustCompile(`^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$`)

// checkEuros turns a JSON number of euros into integer cents without ever using
// a float ("12500.5" is 1 250 050 cents), and refuses zero.
func checkEuros(v *validation, field string, n json.Number) int64 {
	total, ok := parseEuros(v, field, n)
	if ok && total == 0 {
		v.add(field, "positive", "le montant doit être supérieur à zéro")
	}
	return total
}

// checkEurosAllowZero is checkEuros where zero is a valid amount.
func checkEurosAllowZero(v *validation, field string, n json.Number) int64 {
	total, _ := parseEuros(v, field, n)
	return total
}

// parseEuros reads a JSON number of euros as cents.
func parseEuros(v *validation, field string, n json.Number) (int64, bool) {
	s := n.String()
	if s == "" {
		v.add(field, "required", "montant obligatoire, en euros")
		return 0, false
	}
	if !eurosPattern.MatchString(s) {
		v.add(field, "money", "montant en euros positif, avec deux décimales au plus (ex. 12500.50)")
		return 0, false
	}
	units, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	euros, _ := strconv.ParseInt(units, 10, 64)
	cents, _ := strconv.ParseInt(frac, 10, 64)
	return euros*100 + cents, true
}

// formatEuros writes cents as the API's decimal euros, "12500.50".
func formatEuros(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + fmt.Sprintf("%02d", cents%100)
}
