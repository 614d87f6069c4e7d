package web

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// dsSection is the call page's part on its Démarches Simplifiées source: how the pulls
// go, and the DS dossiers the rules refused with each field's error.
type dsSection struct {
	Demarche    int
	State       string
	LastPull    string
	LastSuccess string
	LastError   string
	Filed       int64
	Refused     []dsRefusalRow
}

type dsRefusalRow struct {
	Number    int
	Deposited string
	Errors    []models.ConnectorFieldError
}

var dsStateLabels = map[string]string{
	models.ConnectorNeverPulled: "aucune lecture de la démarche pour l'instant",
	models.ConnectorOK:          "la dernière lecture a réussi",
	models.ConnectorFailing:     "la dernière lecture a échoué : la suivante reprendra où elle s'est arrêtée, sans rien perdre",
}

// loadDSSection reads the call's connector; nil when the call takes no dossier from DS.
func loadDSSection(ctx context.Context, db *gorm.DB, campaignID string) (*dsSection, error) {
	conns := store.NewDSConnectors(db)
	conn, err := conns.Get(ctx, campaignID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &dsSection{Demarche: conn.Demarche, State: dsStateLabels[conn.State()], LastError: conn.LastError,
		LastPull: dateOrNone(conn.LastPullAt), LastSuccess: dateOrNone(conn.LastSuccessAt)}
	if s.Filed, err = conns.FiledCount(ctx, campaignID); err != nil {
		return nil, err
	}
	refusals, err := conns.Refusals(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	for _, r := range refusals {
		s.Refused = append(s.Refused, dsRefusalRow{Number: r.DSNumber, Deposited: french.DateTime(r.DepositedAt), Errors: r.Errors})
	}
	return s, nil
}

func dateOrNone(t *time.Time) string {
	if t == nil {
		return "aucune"
	}
	return french.DateTime(*t)
}
