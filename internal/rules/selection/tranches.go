package selection

import (
	"fmt"

	"github.com/dian-p104/aap/internal/french"
)

// checkTranches: a CPO covers at least two consecutive years from the
// campaign's, the first tranche being the amount granted this year, each positive.
func checkTranches(year int, dec Decision) string {
	t := dec.CPOTranches
	switch {
	case len(t) == 0:
		return ""
	case len(t) < 2:
		return "une convention pluriannuelle couvre au moins deux années"
	case t[0].Year != year:
		return fmt.Sprintf("la première tranche porte sur %d, l'année de la campagne", year)
	case t[0].MaxCents != dec.GrantedCents:
		return fmt.Sprintf("la tranche %d (%s) doit égaler le montant accordé (%s)", year, french.Euros(t[0].MaxCents), french.Euros(dec.GrantedCents))
	}
	for i, tr := range t {
		if tr.MaxCents <= 0 {
			return fmt.Sprintf("la tranche %d doit être positive", tr.Year)
		}
		if i > 0 && tr.Year != t[i-1].Year+1 {
			return "les tranches portent sur des années consécutives"
		}
	}
	return ""
}
