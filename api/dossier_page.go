package api

import (
	"fmt"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// dossierPage is « Mon dossier »: where the association's dossier stands in plain
// French, what happens next and by when (Paris time), its documents, and the one
// action due now as a DSFR form posting back to the link.
type dossierPage struct {
	web.Chrome
	Reference, ProjectTitle, AssociationName, CampaignLabel string
	// Badge is the state in a word (fr-badge) and BadgeClass its DSFR colour.
	Badge, BadgeClass string
	// State says where the dossier stands; Next what happens next and by when.
	State, Next []string
	Documents   []dossierDocument
	// Action is the form of what is due now; nil when nothing is, or when this
	// link may not do it (Elsewhere then says how to).
	Action    *dossierAction
	Elsewhere string
	Message   string
	Error     string
	// CSRF is the form's token (web.CSRFToken), bound to the link's path.
	CSRF string
}

// dossierDocument is a document of the dossier, downloaded through the link.
type dossierDocument struct{ Label, Detail, Href string }

// dossierAction is the form of the action due now.
type dossierAction struct {
	Name, Title, Button string
	Intro               []string
	Fields              []web.Field
	// File asks for the compte-rendu financier's signed Cerfa.
	File      bool
	FileError string
}

// Multipart is whether the form sends a file.
func (a *dossierAction) Multipart() bool { return a.File }

// dossierBadges are each state's word and colour.
var dossierBadges = map[string][2]string{
	models.ApplicationDeposited:   {"Déposé", "fr-badge--info"},
	models.ApplicationUnderReview: {"En cours d'examen", "fr-badge--new"},
	models.ApplicationRetained:    {"Retenu", "fr-badge--success"},
	models.ApplicationNotRetained: {"Non retenu", "fr-badge--error"},
	models.ApplicationCancelled:   {"Appel annulé", "fr-badge--warning"},
}

// newDossierPage describes the dossier of f; base is the link's path.
func newDossierPage(f dossierFacts, base string) dossierPage {
	app, c := f.App, f.Campaign
	p := dossierPage{Chrome: web.Chrome{Title: "Mon dossier " + app.Reference},
		Reference: app.Reference, ProjectTitle: app.Title, AssociationName: app.AssociationName,
		CampaignLabel: fmt.Sprintf("« %s » (%s)", c.Title, territoryLabel(c))}
	badge := dossierBadges[app.State]
	p.Badge, p.BadgeClass = badge[0], badge[1]
	p.State, p.Next = f.stateLines()
	p.State = append(p.State, f.blockLines()...)
	p.Documents = f.documents(base)
	return p
}

// stateLines say where the dossier stands and what comes next, in plain French.
func (f dossierFacts) stateLines() (state, next []string) {
	app, c, conv := f.App, f.Campaign, f.Convention
	filed := fmt.Sprintf("Dossier déposé le %s, subvention demandée : %s.", french.DateTime(app.CreatedAt), french.Euros(app.RequestedCents))
	switch {
	case app.State == models.ApplicationCancelled:
		return []string{filed, "L'appel à projets a été annulé : votre dossier ne sera pas instruit. Motif : " + c.CancelReason},
			[]string{"Aucune suite n'est donnée à ce dossier. Vous pourrez répondre à un prochain appel à projets."}
	case app.State == models.ApplicationNotRetained:
		return []string{filed, "Le comité de sélection n'a pas retenu votre projet. Motif : " + app.DecisionReason},
			[]string{"Aucune suite n'est donnée à ce dossier. Vous pourrez répondre à un prochain appel à projets."}
	case app.State == models.ApplicationRetained && conv != nil:
		return f.conventionLines()
	case app.State == models.ApplicationRetained:
		return []string{filed, fmt.Sprintf("Votre projet est retenu : subvention accordée de %s.", french.Euros(app.GrantedCents))},
			[]string{"La convention attributive de subvention est en préparation : elle vous sera envoyée par courriel pour signature."}
	case app.State == models.ApplicationUnderReview:
		return []string{filed, "L'appel à projets est clos depuis le " + french.DateTime(c.CloseAt) + " : le comité de sélection examine votre dossier."},
			[]string{"La décision du comité vous sera envoyée par courriel ; si votre projet est retenu, la convention suivra."}
	}
	return []string{filed, "Votre dossier est enregistré : il sera examiné avec les autres dossiers de l'appel à projets."},
		[]string{"L'appel à projets est ouvert jusqu'au " + french.DateTime(c.CloseAt) + " (heure de Paris). Le comité de sélection examinera ensuite votre dossier ; sa décision vous sera envoyée par courriel."}
}

// blockLines say which renewal blocks stand on a dossier still in the running
// (§8.4): a provisional one says the PNE closure that will confirm or lift it.
func (f dossierFacts) blockLines() []string {
	if f.App.State == models.ApplicationCancelled || f.App.State == models.ApplicationNotRetained {
		return nil
	}
	var out []string
	for _, b := range f.Blocks {
		switch {
		case b.LiftedAt != nil:
		case b.Provisional:
			out = append(out, "Renouvellement : "+b.Reason+". Pour lever ce blocage : "+b.Lift+".")
		default:
			out = append(out, "Renouvellement bloqué : "+b.Reason+". Pour lever ce blocage : "+b.Lift+".")
		}
	}
	return out
}

// conventionLines follow a retained dossier's convention and its obligations (§8.4).
func (f dossierFacts) conventionLines() (state, next []string) {
	conv := f.Convention
	granted := fmt.Sprintf("Votre projet est retenu : subvention de %s, convention n° %s.", french.Euros(conv.GrantedCents), conv.Reference)
	switch conv.State {
	case models.ConventionAwaitingSignature:
		next = []string{"Signez la convention ci-dessous. Sans signature, elle deviendra caduque et la subvention ne sera pas versée."}
		if !f.LapseAt.IsZero() {
			next[0] = "Signez la convention avant le " + french.DateTime(f.LapseAt) + " (heure de Paris) : passé ce délai, elle deviendra caduque et la subvention ne sera pas versée."
		}
		return []string{granted, "La convention vous a été envoyée le " + french.Date(conv.CreatedAt) + " : elle attend votre signature."}, next
	case models.ConventionLapsed:
		return []string{granted, "La convention n'a pas été signée à temps : elle est caduque et la subvention ne sera pas versée."}, []string{"Aucune suite n'est donnée à ce dossier."}
	case models.ConventionCancelled:
		return []string{granted, "L'appel à projets a été annulé avant la signature : la convention est annulée."}, []string{"Aucune suite n'est donnée à ce dossier."}
	}
	signed := "Convention signée"
	if conv.SignedAt != nil {
		signed += " le " + french.DateTime(*conv.SignedAt)
	}
	if conv.SignedBy != "" {
		signed += " par " + conv.SignedBy
	}
	state = []string{granted, signed + "."}
	for _, r := range conv.FinancialReports {
		of := ""
		if r.Tranche > 0 {
			// A CPO: each yearly tranche has its report, due and reminded (§8.2, §8.4).
			of = fmt.Sprintf(" de la tranche %d (%s)", r.FiscalYear, french.Euros(r.AmountCents))
		}
		if r.ReceivedAt != nil {
			state = append(state, fmt.Sprintf("Compte-rendu financier%s reçu le %s : dépenses réalisées %s, dont %s de subvention employée.",
				of, french.Date(*r.ReceivedAt), french.Euros(r.SpentCents), french.Euros(r.SubsidyUsedCents)))
			continue
		}
		if r.Overdue {
			state = append(state, fmt.Sprintf("Compte-rendu financier%s non reçu à l'échéance du %s : le renouvellement de votre financement est bloqué jusqu'à sa réception.",
				of, frenchDay(r.DueDate)))
		}
		next = append(next, "Envoyez le compte-rendu financier"+of+" (Cerfa n° 15059*02) au plus tard le "+frenchDay(r.DueDate)+
			" : sans lui, un nouveau dossier de votre association ne pourra pas être retenu.")
	}
	if f.pneOpen() {
		next = append([]string{"Répondez au questionnaire du Plan national d'évaluation avant le " + french.Date(conv.PNECloseDate) + ", puis déclarez-le ici."}, next...)
	}
	if len(next) == 0 {
		next = []string{"Rien ne vous est demandé pour le moment. Un contrôle sur place peut avoir lieu : conservez les pièces justificatives de l'action."}
	}
	return state, next
}

// documents are the dossier's documents, each downloaded through the link.
func (f dossierFacts) documents(base string) []dossierDocument {
	docs := []dossierDocument{{Label: "Accusé de réception", Detail: "HTML, déposé le " + french.Date(f.App.CreatedAt),
		Href: base + "/documents/" + docReceipt}}
	if f.decided() {
		docs = append(docs, dossierDocument{Label: "Décision du comité de sélection", Detail: "HTML, le " + french.Date(*f.App.DecidedAt),
			Href: base + "/documents/" + docDecision})
	}
	if f.Convention != nil && f.Convention.State != models.ConventionCancelled {
		docs = append(docs, dossierDocument{Label: "Convention n° " + f.Convention.Reference, Detail: "PDF",
			Href: base + "/documents/" + docConvention})
	}
	for _, d := range f.ReportFiles {
		label := "Compte-rendu financier envoyé (" + d.FileName + ")"
		if len(f.Convention.Tranches) > 0 {
			label = fmt.Sprintf("Compte-rendu financier de la tranche %d envoyé (%s)", d.FiscalYear, d.FileName)
		}
		docs = append(docs, dossierDocument{Label: label, Detail: fmt.Sprintf("%s, %s", d.ContentType, fileSize(d.Size)),
			Href: base + "/documents/" + reportFileName(f.Convention, d.FiscalYear)})
	}
	return docs
}

// fileSize is a size in French: « 12 ko », « 1,5 Mo ».
func fileSize(n int64) string {
	if n < 1_000_000 {
		return fmt.Sprintf("%d ko", (n+999)/1000)
	}
	return fmt.Sprintf("%d,%d Mo", n/1_000_000, n%1_000_000/100_000)
}

// decided: the committee's decision is recorded (and the call was not cancelled since).
func (f dossierFacts) decided() bool {
	return f.App.DecidedAt != nil && (f.App.State == models.ApplicationRetained || f.App.State == models.ApplicationNotRetained)
}

var dossierTemplate = web.NewPage("dossier", nil, `{{define "content"}}<div class="aap-narrow">
<h1>Mon dossier {{.Reference}}</h1>
<p class="fr-text--lead fr-mb-1w">{{.ProjectTitle}}</p>
<p>{{.AssociationName}}, appel à projets {{.CampaignLabel}}.</p>
{{template "alerts" .}}<h2 class="fr-h4">Où en est votre dossier</h2>
<p><span class="fr-badge {{.BadgeClass}}">{{.Badge}}</span></p>
{{range .State}}<p class="aap-break">{{.}}</p>
{{end}}<h2 class="fr-h4">Et ensuite</h2>
{{range .Next}}<p class="aap-break">{{.}}</p>
{{end}}{{with .Action}}<h2 class="fr-h4" id="a-faire">À faire maintenant : {{.Title}}</h2>
{{range .Intro}}<p class="aap-break">{{.}}</p>
{{end}}<form method="post"{{if .Multipart}} enctype="multipart/form-data"{{end}} aria-labelledby="a-faire">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<input type="hidden" name="action" value="{{.Name}}">
{{range .Fields}}{{template "field" .}}
{{end}}{{if .File}}<div class="fr-upload-group{{if .FileError}} fr-upload-group--error{{end}}">
  <label class="fr-label" for="cerfa">Compte-rendu financier signé (Cerfa n° 15059*02)<span class="fr-hint-text">PDF, JPEG ou PNG, 10 Mo au plus.</span></label>
  <input class="fr-upload" type="file" id="cerfa" name="cerfa" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required
    {{- if .FileError}} aria-invalid="true" aria-describedby="erreur-cerfa"{{end}}>
  {{if .FileError}}<p id="erreur-cerfa" class="fr-error-text">{{.FileError}}</p>{{end}}
</div>
{{end}}<button type="submit" class="fr-btn fr-mt-2w">{{.Button}}</button>
</form>
{{else}}<h2 class="fr-h4">À faire maintenant</h2>
<p>{{if .Elsewhere}}{{.Elsewhere}}{{else}}Rien ne vous est demandé pour le moment.{{end}}</p>
{{end}}<h2 class="fr-h4">Vos documents</h2>
<ul>
{{range .Documents}}<li><a class="fr-link fr-link--download" href="{{.Href}}">{{.Label}} <span class="fr-link__detail">{{.Detail}}</span></a></li>
{{end}}</ul>
<p class="fr-text--sm fr-mt-4w">Ce lien vous est personnel : ne le transmettez pas. Une question ? Répondez au courriel qui vous l'a apporté.</p>
</div>{{end}}`)
