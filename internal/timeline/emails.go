package timeline

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/models"
)

// emailNames names a call's emails for what they are: an email's key is
// "<workflow ID>/<purpose>[-<n>]/<recipient role>" (activities), the workflow ID a
// dossier's, whose reference and convention's reference the label gives.
type emailNames struct {
	dossiers    map[string]string // dossier workflow ID → dossier reference
	conventions map[string]string // dossier workflow ID → convention reference
}

func emailNamesOf(ctx context.Context, db *gorm.DB, c *models.Campaign) (emailNames, error) {
	n := emailNames{dossiers: map[string]string{}, conventions: map[string]string{}}
	var rows []struct{ WorkflowID, Reference, Convention string }
	err := db.WithContext(ctx).Table("applications").
		Select("applications.workflow_id, applications.reference, conventions.reference AS convention").
		Joins("LEFT JOIN conventions ON conventions.application_id = applications.id").
		Where("applications.campaign_id = ?", c.ID).Scan(&rows).Error
	for _, r := range rows {
		n.dossiers[r.WorkflowID], n.conventions[r.WorkflowID] = r.Reference, r.Convention
	}
	return n, err
}

// label says what the email was; an email of a purpose it does not know keeps its subject.
func (n emailNames) label(e models.Email) string {
	parts := strings.Split(e.Key, "/")
	if len(parts) < 3 {
		return "Courriel envoyé : « " + e.Subject + " »."
	}
	workflowID := strings.Join(parts[:len(parts)-2], "/")
	purpose, role := parts[len(parts)-2], parts[len(parts)-1]
	reminder := ""
	if i := strings.LastIndexByte(purpose, '-'); i > 0 {
		if _, err := strconv.Atoi(purpose[i+1:]); err == nil {
			reminder = purpose[i+1:]
		}
	}
	dossier, conv := n.dossiers[workflowID], n.conventions[workflowID]
	to := map[string]string{"porteur": "au porteur de projet", "correspondent": "au correspondant"}[role]
	toSuffix := ""
	if to != "" {
		toSuffix = " " + to
	}
	with := func(s, ref string) string {
		if ref == "" {
			return s
		}
		return s + " " + ref
	}
	switch e.Purpose {
	case mail.TemplateApplicationReceived:
		return with("Accusé de réception du dossier", dossier) + " envoyé."
	case mail.TemplateApplicationDecided:
		return with("Décision du comité sur le dossier", dossier) + " envoyée."
	case mail.TemplateCampaignPublished:
		return "Avis de publication de l'appel envoyé."
	case mail.TemplateCampaignClosed:
		return "Bilan de clôture de l'appel envoyé " + orDefault(to, "au correspondant") + "."
	case mail.TemplateCampaignCancelled:
		return with("Annulation de l'appel annoncée pour le dossier", dossier) + "."
	case mail.TemplateCarifOrefActions:
		return "Actions retenues transmises au Carif-Oref."
	case mail.TemplateConventionToSign:
		return with("Convention", conv) + " envoyée au porteur de projet pour signature."
	case mail.TemplateConventionReminder:
		return "Relance n° " + orDefault(reminder, "1") + " " + with("de la convention", conv) + " envoyée."
	case mail.TemplateConventionUnsigned:
		return with("Convention", conv) + " toujours pas signée : correspondant prévenu."
	case mail.TemplateConventionLapsed:
		return with("Caducité de la convention", conv) + " annoncée" + toSuffix + "."
	case mail.TemplateConventionSigned:
		return with("Signature de la convention", conv) + " confirmée" + toSuffix + "."
	case mail.TemplateFinancialReportReminder:
		return "Relance n° " + orDefault(reminder, "1") + " du compte rendu financier " + with("de la convention", conv) + " envoyée."
	case mail.TemplateFinancialReportMissing:
		return "Échéance du compte rendu financier " + with("de la convention", conv) + " atteinte : compte rendu manquant, message envoyé" + toSuffix + "."
	case mail.TemplateRenewalBlocked:
		return with("Renouvellement bloqué annoncé au porteur de projet du dossier", dossier) + "."
	case mail.TemplateRenewalBlockRechecked:
		return with("Blocage provisoire du renouvellement revu à la clôture du PNE pour le dossier", dossier) + " : message envoyé" + toSuffix + "."
	case mail.TemplateControlPlanned:
		return with("Contrôle sur place annoncé au porteur de projet du dossier", dossier) + "."
	case mail.TemplateEmailUndeliverable:
		return "Courriel non remis signalé au correspondant."
	}
	return "Courriel envoyé : « " + e.Subject + " »."
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
