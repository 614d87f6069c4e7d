package dstest

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/dian-p104/aap/internal/connector/ds"
)

// Descriptors is a démarche with one champ for each field of a dossier, and an
// attachment champ no field can take.
func Descriptors() []ds.ChampDescriptor {
	return []ds.ChampDescriptor{
		{Typename: "SiretChampDescriptor", ID: "Q2hhbXAtMQ==", Label: "SIRET de l'association", Required: true},
		{Typename: "TextChampDescriptor", ID: "Q2hhbXAtMg==", Label: "Nom de l'association", Required: true},
		{Typename: "CheckboxChampDescriptor", ID: "Q2hhbXAtMw==", Label: "Contrat d'engagement républicain signé", Required: true},
		{Typename: "TextChampDescriptor", ID: "Q2hhbXAtNA==", Label: "Titre du projet", Required: true},
		{Typename: "DropDownListChampDescriptor", ID: "Q2hhbXAtNQ==", Label: "Thématique", Required: true},
		{Typename: "TextareaChampDescriptor", ID: "Q2hhbXAtNg==", Label: "Description du projet", Required: true},
		{Typename: "DecimalNumberChampDescriptor", ID: "Q2hhbXAtNw==", Label: "Subvention demandée (€)", Required: true},
		{Typename: "DecimalNumberChampDescriptor", ID: "Q2hhbXAtOA==", Label: "Budget total du projet (€)", Required: true},
		{Typename: "IntegerNumberChampDescriptor", ID: "Q2hhbXAtOQ==", Label: "Bénéficiaires BPI", Required: true},
		{Typename: "IntegerNumberChampDescriptor", ID: "Q2hhbXAtMTA=", Label: "Autres bénéficiaires primo-arrivants", Required: true},
		{Typename: "PieceJustificativeChampDescriptor", ID: "Q2hhbXAtMTE=", Label: "Budget prévisionnel (PDF)", Required: false},
	}
}

// Mapping maps every field of a dossier to its champ of Descriptors.
func Mapping() ds.Mapping {
	return ds.Mapping{
		"association.siret": "Q2hhbXAtMQ==", "association.name": "Q2hhbXAtMg==", "association.cer_signed": "Q2hhbXAtMw==",
		"project.title": "Q2hhbXAtNA==", "project.theme": "Q2hhbXAtNQ==", "project.description": "Q2hhbXAtNg==",
		"project.requested_eur": "Q2hhbXAtNw==", "project.total_budget_eur": "Q2hhbXAtOA==",
		"project.beneficiaries.bpi": "Q2hhbXAtOQ==", "project.beneficiaries.non_bpi": "Q2hhbXAtMTA=",
	}
}

// Answers are the values of a sample dossier, by field.
type Answers struct {
	SIRET, Name, Title, Theme, Description string
	CERSigned                              bool
	Requested, Total                       float64
	BPI, NonBPI                            int
}

// ValidAnswers is a dossier that the rules accept in a call on language (« langue »).
func ValidAnswers(title string) Answers {
	return Answers{SIRET: "73282932000074", Name: "Accueil Rhône", Title: title, Theme: "Apprentissage du français",
		Description: "Ateliers de français pour des signataires du CIR.", CERSigned: true,
		Requested: 15000, Total: 30000, BPI: 20, NonBPI: 40}
}

// Dossier builds a DS dossier answering Descriptors with a.
func (a Answers) Dossier(number int, state string, depot time.Time) Dossier {
	text := func(id, label, typename, v string) ds.Champ {
		return ds.Champ{Typename: typename, ID: id, ChampDescriptorID: id, Label: label, StringValue: &v}
	}
	dec := func(id, label string, v float64) ds.Champ {
		c := text(id, label, "DecimalNumberChamp", strconv.FormatFloat(v, 'f', -1, 64))
		c.DecimalValue = &v
		return c
	}
	integer := func(id, label string, v int) ds.Champ {
		c := text(id, label, "IntegerNumberChamp", strconv.Itoa(v))
		c.IntegerValue = json.RawMessage(strconv.Quote(strconv.Itoa(v)))
		return c
	}
	cer := text("Q2hhbXAtMw==", "Contrat d'engagement républicain signé", "CheckboxChamp", map[bool]string{true: "Oui", false: "Non"}[a.CERSigned])
	cer.Checked = &a.CERSigned
	return Dossier{
		Number: number, State: state, DateDepot: depot, UpdatedAt: depot, Email: "contact@accueil-rhone.example.org",
		Champs: []ds.Champ{
			text("Q2hhbXAtMQ==", "SIRET de l'association", "SiretChamp", a.SIRET),
			text("Q2hhbXAtMg==", "Nom de l'association", "TextChamp", a.Name),
			cer,
			text("Q2hhbXAtNA==", "Titre du projet", "TextChamp", a.Title),
			text("Q2hhbXAtNQ==", "Thématique", "DropDownListChamp", a.Theme),
			text("Q2hhbXAtNg==", "Description du projet", "TextChamp", a.Description),
			dec("Q2hhbXAtNw==", "Subvention demandée (€)", a.Requested),
			dec("Q2hhbXAtOA==", "Budget total du projet (€)", a.Total),
			integer("Q2hhbXAtOQ==", "Bénéficiaires BPI", a.BPI),
			integer("Q2hhbXAtMTA=", "Autres bénéficiaires primo-arrivants", a.NonBPI),
		},
	}
}
