package convention

import (
	"fmt"

	"github.com/dian-p104/aap/models"
)

// ReportLabel names a compte-rendu financier in French, its tranche for a CPO:
// « le compte-rendu financier (Cerfa n° 15059*02) de la convention « CONV-… » (exercice 2027) », or
// « le compte-rendu financier de la tranche 2028 de la convention pluriannuelle « CONV-… » (exercice 2028) ».
func ReportLabel(r models.FinancialReport) string {
	if r.Tranche == 0 {
		return fmt.Sprintf("le compte-rendu financier (Cerfa n° 15059*02) de la convention « %s » (exercice %d)", r.ConventionReference, r.FiscalYear)
	}
	return fmt.Sprintf("le compte-rendu financier (Cerfa n° 15059*02) de la tranche %d de la convention pluriannuelle « %s » (exercice %d)",
		r.FiscalYear, r.ConventionReference, r.FiscalYear)
}
