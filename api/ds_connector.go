package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// ConnectorView is GET /api/v1/campaigns/{id}/connector: where the call's dossiers come
// from besides the API, and how the pulls go.
type ConnectorView struct {
	// DemarchesSimplifiees is null when the call takes no dossier from DS.
	DemarchesSimplifiees *DSConnectorView `json:"demarches_simplifiees"`
}

// DSConnectorView is a call's DS source, the state of its pulls and the DS dossiers refused.
type DSConnectorView struct {
	*models.DSConnector
	// State is never_pulled, ok or failing (the last pull failed: the next resumes where it stopped).
	State           string             `json:"state"`
	DossiersFiled   int64              `json:"dossiers_filed"`
	DossiersRefused int                `json:"dossiers_refused"`
	Refused         []models.DSRefusal `json:"refused"`
	// WebhookURL is the address to give DS as the démarche's webhook (a credential: it
	// carries the call's signature); empty when AAP_DS_WEBHOOK_SECRET is not set.
	WebhookURL string `json:"webhook_url,omitempty"`
}

// Connector returns the call's connector view.
func (s *CampaignService) Connector(ctx context.Context, id string) (ConnectorView, error) {
	if _, err := s.campaign(ctx, id); err != nil {
		return ConnectorView{}, err
	}
	conn, err := s.DSConnectors.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) || s.DSConnectors == nil {
		return ConnectorView{}, nil
	}
	if err != nil {
		return ConnectorView{}, err
	}
	v := &DSConnectorView{DSConnector: conn, State: conn.State()}
	if v.DossiersFiled, err = s.DSConnectors.FiledCount(ctx, id); err != nil {
		return ConnectorView{}, err
	}
	if v.Refused, err = s.DSConnectors.Refusals(ctx, id); err != nil {
		return ConnectorView{}, err
	}
	v.DossiersRefused = len(v.Refused)
	if s.DSWebhookSecret != "" {
		v.WebhookURL = s.PublicURL + "/webhooks/ds/" + id + "?token=" + DSWebhookToken(s.DSWebhookSecret, id)
	}
	return ConnectorView{DemarchesSimplifiees: v}, nil
}

// DSWebhookToken signs a call's webhook URL: HMAC-SHA256 of the call's ID under AAP_DS_WEBHOOK_SECRET.
func DSWebhookToken(secret, campaignID string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("ds-webhook/" + campaignID))
	return hex.EncodeToString(mac.Sum(nil))
}

var errWebhookRefused = &Problem{Status: http.StatusUnauthorized, Code: "webhook_refused",
	Message: "Webhook refusé : signature absente ou invalide."}

// RequestDSPull authenticates a DS webhook and asks the call's connector to pull; it
// does nothing else (the webhook's body is not trusted: the pull reads DS itself). It
// reports whether the connector was running to hear it.
func (s *CampaignService) RequestDSPull(ctx context.Context, id, token string) (bool, error) {
	if s.DSWebhookSecret == "" || !hmac.Equal([]byte(token), []byte(DSWebhookToken(s.DSWebhookSecret, id))) {
		return false, errWebhookRefused
	}
	c, err := s.campaign(ctx, id)
	if err != nil {
		return false, err
	}
	if c.DSDemarche == 0 {
		return false, errNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = s.Temporal.SignalWorkflow(ctx, workflows.DSConnectorWorkflowID(c.WorkflowID), "", workflows.SignalDSPull, nil)
	switch {
	case workflowEnded(err):
		return false, nil // before the publication, or after the pull that followed the closure
	case err != nil:
		s.Logger.Error("DS webhook: connector not signalled", "campaign", id, "error", err)
		return false, errEngineUnavailable
	}
	return true, nil
}

func (h campaignHandlers) connector(c *gin.Context) {
	v, err := h.svc.Connector(c.Request.Context(), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// dsWebhook is POST /webhooks/ds/{id}?token=…: DS calls it when a dossier of the démarche
// changes. Authenticated by the call's signature; it only asks the connector to pull.
func (h campaignHandlers) dsWebhook(c *gin.Context) {
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Request.Body, maxBodyBytes))
	running, err := h.svc.RequestDSPull(c.Request.Context(), c.Param("id"), c.Query("token"))
	if err != nil {
		respondError(c, err)
		return
	}
	status := "pull_requested"
	if !running {
		status = "connector_not_running"
	}
	c.JSON(http.StatusAccepted, gin.H{"status": status})
}
