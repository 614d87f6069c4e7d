package api

import (
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/models"
)

// acceptsDossiers reports whether a call takes dossiers at instant at: not cancelled,
// not past its closing date (§2.2.1: the deposit time is the submission's), published
// or due to be (the workflow may record the publication a moment after its date).
func acceptsDossiers(c *models.Campaign, at time.Time) bool {
	return (c.Phase == models.PhaseScheduled || c.Phase == models.PhasePublished) &&
		!at.Before(c.PublishAt) && at.Before(c.CloseAt)
}

// callStatus is where a call stands for an association, in French, with the DSFR
// badge that shows it (fr-badge--success, --info, --warning, --error).
type callStatus struct {
	Open  bool
	Badge string
	Label string
	// Detail says until when it is open, when it opens, or why it was cancelled.
	Detail string
}

func statusOf(c *models.Campaign, now time.Time) callStatus {
	switch {
	case c.Phase == models.PhaseCancelled:
		return callStatus{Badge: "error", Label: "Annulé",
			Detail: "Cet appel à projets est annulé : il n'accepte plus de dossier. Motif : " + c.CancelReason}
	case acceptsDossiers(c, now):
		return callStatus{Open: true, Badge: "success", Label: "Ouvert",
			Detail: "Dépôt des dossiers jusqu'au " + french.DateTime(c.CloseAt) + " (heure de Paris)."}
	case (c.Phase == models.PhaseScheduled || c.Phase == models.PhasePublished) && now.Before(c.PublishAt):
		return callStatus{Badge: "info", Label: "Bientôt ouvert",
			Detail: "Dépôt des dossiers du " + french.DateTime(c.PublishAt) + " au " + french.DateTime(c.CloseAt) + " (heure de Paris)."}
	default:
		return callStatus{Badge: "warning", Label: "Clos",
			Detail: "Cet appel à projets est clos depuis le " + french.DateTime(c.CloseAt) +
				" (heure de Paris) : il n'accepte plus de dossier. Les dossiers déposés à temps sont examinés par le comité."}
	}
}
