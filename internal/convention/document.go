package convention

import (
	"fmt"
	"strings"

	"github.com/dian-p104/aap/internal/french"
)

// The document model: what the convention says, block by block, in reading order. Text() writes it
// as plain text; PDF() prints the same blocks, and nothing else but the page footers.

type blockKind int

const (
	blockMasthead   blockKind = iota // the issuing State service, top left
	blockTitle                       // the document's title, centred
	blockSubtitle                    // under the title, centred
	blockPara                        // a justified paragraph of the preamble
	blockCentered                    // a short centred line ("d'une part", "Il est convenu…")
	blockHeading                     // "Article n – Title"
	blockBody                        // an article's text; lines starting with "– " are list items
	blockSignatures                  // the two signature columns
)

type block struct {
	kind blockKind
	text string
	// blockSignatures only: text is the line above the columns; left and right the State's
	// column and the association's.
	left, right []string
}

// signature blanks, long enough to write by hand.
const blank = "______________________________"

func (d Data) blocks() []block {
	var bs []block
	add := func(k blockKind, format string, args ...any) {
		bs = append(bs, block{kind: k, text: fmt.Sprintf(format, args...)})
	}
	add(blockMasthead, "RÉPUBLIQUE FRANÇAISE\n%s", d.ServiceName)
	add(blockMasthead, "Convention n° %s\nÉtablie le %s", d.Reference, french.Date(d.IssuedAt))
	add(blockTitle, "CONVENTION ATTRIBUTIVE DE SUBVENTION")
	if d.Kind == CPO {
		add(blockSubtitle, "Convention pluriannuelle d'objectifs – années %s", d.yearSpan())
	} else {
		add(blockSubtitle, "Convention annuelle – année %d", d.Year)
	}
	add(blockSubtitle, "Programme 104 « Intégration et accès à la nationalité française »\nAction 12 « Intégration des étrangers primo-arrivants »")

	add(blockCentered, "Entre")
	add(blockPara, "L'État (%s), ci-après dénommé « l'administration »,", d.ServiceName)
	add(blockCentered, "d'une part,")
	add(blockCentered, "et")
	add(blockPara, "%s (%s), représentée par son représentant légal, ci-après dénommée « l'association »,", d.AssociationName, d.AssociationID)
	add(blockCentered, "d'autre part.")

	add(blockPara, "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment ses articles 10 et 10-1 ;\n"+
		"Vu le contrat d'engagement républicain annexé au décret pris pour l'application de l'article 10-1 de cette loi ;\n"+
		"Vu l'appel à projets « %s », lancé au titre de l'année %d pour le territoire %s ;\n"+
		"Vu la demande de subvention présentée par l'association pour le projet « %s » ;",
		d.CampaignTitle, d.Year, d.TerritoryLabel, d.ProjectTitle)
	add(blockCentered, "Il est convenu ce qui suit :")

	for _, c := range d.Clauses() {
		add(blockHeading, "%s", c.Heading())
		add(blockBody, "%s", c.Text)
	}

	bs = append(bs, block{kind: blockSignatures, text: "Fait en deux exemplaires originaux.",
		left: []string{"Pour l'État,", d.ServiceName, "Fait à " + blank, "le " + blank,
			"Nom, qualité et signature :"},
		right: []string{"Pour l'association,", d.AssociationName, "Fait à " + blank, "le " + blank,
			"Nom et qualité du représentant légal, signature et cachet :"},
	})
	add(blockHeading, "%s", "Annexe 1 – Critères d'évaluation et indicateurs de l'action")
	add(blockBody, "%s", d.annex1())
	return bs
}

// Heading is the article's title line: "Article 3 – Public éligible et vérification de l'éligibilité".
func (c Clause) Heading() string {
	return fmt.Sprintf("Article %d – %s", c.Number, c.Title)
}

// Text returns the whole convention as plain text, block by block in reading order: exactly the
// words PDF prints (page footers aside), blocks separated by a blank line.
func (d Data) Text() string {
	var b strings.Builder
	for i, bl := range d.blocks() {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if bl.kind == blockSignatures {
			b.WriteString(bl.text)
			b.WriteString("\n\n")
			b.WriteString(strings.Join(bl.left, "\n"))
			b.WriteString("\n\n")
			b.WriteString(strings.Join(bl.right, "\n"))
			continue
		}
		b.WriteString(bl.text)
	}
	b.WriteString("\n")
	return b.String()
}

// ClausesText writes the articles as plain text: each heading, its text, a blank line between
// articles.
func ClausesText(cs []Clause) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(c.Heading())
		b.WriteString("\n")
		b.WriteString(c.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// annex1 is the convention's annex 1 (§8.4: « fixer a priori des critères d'évaluation de
// l'action, déclinés par principales thématiques, dans la convention de subvention (annexe 1) »):
// the call's evaluation criteria, then its follow-up and result indicators.
func (d Data) annex1() string {
	lines := []string{fmt.Sprintf("Thématique : %s.", d.ThemeLabel), "Critères d'évaluation fixés par l'appel à projets :"}
	if len(d.EvaluationCriteria) == 0 {
		lines = append(lines, "– les indicateurs ci-dessous, au regard des objectifs du projet ;")
	}
	for _, c := range d.EvaluationCriteria {
		lines = append(lines, "– "+strings.TrimSpace(c)+" ;")
	}
	lines = append(lines, "Indicateurs de suivi et de résultats à transmettre :")
	for i, ind := range d.Indicators {
		sep := " ;"
		if i == len(d.Indicators)-1 {
			sep = "."
		}
		lines = append(lines, "– "+strings.TrimSpace(ind)+sep)
	}
	return strings.Join(lines, "\n")
}
