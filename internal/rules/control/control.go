// Package control holds the pure rules of on-site controls (§8.5): which
// conventions and CTAI-funded associations of a region to control first, and the region's yearly synthesis
// sent to DIAN. It reads nothing and writes nothing: the store gives it rows.
package control

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// Doubt kinds a correspondent may flag on a convention (§8.5: "doute sur la
// réalisation des actions ou sur l'utilisation des fonds").
const (
	DoubtDelivery = "realisation_actions" // the actions may not have been delivered
	DoubtFunds    = "utilisation_fonds"   // the funds may have been used for something else
)

// DoubtKinds lists the accepted kinds, in the order they are shown.
var DoubtKinds = []string{DoubtDelivery, DoubtFunds}

// DoubtLabel names a doubt kind in French.
func DoubtLabel(kind string) string {
	switch kind {
	case DoubtDelivery:
		return "doute sur la réalisation des actions"
	case DoubtFunds:
		return "doute sur l'utilisation des fonds"
	}
	return kind
}

// Reasons a candidate is proposed for a control.
const (
	ReasonDoubt      = "doute"           // a correspondent flagged a doubt
	ReasonDepartment = "departement"     // the department's first: every department gets a control
	ReasonFunding    = "montant_accorde" // ranked by the association's P104 funding of the year
	ReasonCTAI       = "ctai"            // funded through a CTAI: what the collectivité's bilan says it received
)

// Subjects of a control (§8.5: « des contrôles sur site permettant de vérifier
// la bonne utilisation des crédits délégués … au profit des lauréats des appels
// à projets territoriaux et des associations financées dans le cadre des CTAI »).
const (
	SubjectConvention = models.ControlOfConvention      // a signed convention of a call
	SubjectCTAI       = models.ControlOfCTAIAssociation // an association a CTAI funded, as its bilan says
)

// Candidate is what a region may control: a signed convention of its calls of
// the year, or an association funded through a CTAI of one of its departments
// that DIAN's favourable opinion funded that year.
type Candidate struct {
	// Subject is SubjectConvention (the zero value reads as one) or SubjectCTAI.
	Subject string
	// ConventionID, Reference and ProjectTitle: a convention's.
	ConventionID    string
	Reference       string
	AssociationName string
	ProjectTitle    string
	// CTAIRequestID, CollectiviteName and AssociationKey: a CTAI-funded
	// association's (the key is its SIREN or RNA key when the bilan gives one,
	// else the call-funded association of the same name's, else its name's).
	CTAIRequestID    string
	CollectiviteName string
	AssociationKey   string
	// Department is the INSEE code of the department the candidate counts for:
	// the departmental call's, or where a regional call's action takes place (the
	// decision's); the CTAI's territory; empty for an interdepartmental action of a regional call.
	Department string
	// GrantedCents is the convention's amount, or what the CTAI's bilan says the
	// association received (0: the bilan names it without an amount).
	GrantedCents int64
	// AssociationCents is the association's whole P104 funding of the year: every
	// signed convention of the year's calls, in any territory, and every amount a
	// funded CTAI's bilan gives it, this one included; AssociationConventions and
	// AssociationCTAIs how many they are (§8.5: « les associations qui disposent
	// des financements les plus élevés »). Zero: this one alone.
	AssociationCents       int64
	AssociationConventions int
	AssociationCTAIs       int
	// Doubts are the kinds of doubt flagged on it, if any.
	Doubts []string
}

// IsCTAI tells an association funded through a CTAI from a convention.
func (c Candidate) IsCTAI() bool { return c.Subject == SubjectCTAI }

// weight is what the ranking compares: the association's funding of the year.
func (c Candidate) weight() int64 { return max(c.AssociationCents, c.GrantedCents) }

// Reason is one reason a candidate is ranked where it is, with its French explanation.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Ranked is a candidate at its rank (1 first), with its reasons.
type Ranked struct {
	Candidate
	Rank    int
	Reasons []Reason
}

// Tiers of the ranking: a doubt first, then each department's most funded
// association, then the rest.
const (
	tierDoubt = iota
	tierDepartment
	tierOther
)

// Rank orders the region's candidates (conventions and CTAI-funded associations alike) to control first (§8.5: « une priorité
// devra être accordée aux contrôles ciblant les associations qui disposent des
// financements les plus élevés et/ou pour lesquelles des doutes peuvent être
// émis »): those a correspondent flagged with a doubt, then in each department
// of the region that has one the convention of its most funded association (at
// least one control per department: « dans chaque département »), then the
// others. An association's funding is its whole P104 funding of the year (all
// its conventions, here and elsewhere), not one convention's amount. Within
// each tier the most funded association first, then the larger convention,
// ties in the order given (the store gives them by reference): the ranking is stable.
func Rank(region string, cands []Candidate) []Ranked {
	inRegion := map[string]bool{}
	for _, d := range territory.DepartmentsOf(region) {
		inRegion[d.Code] = true
	}
	type entry struct {
		c     Candidate
		tier  int
		index int
	}
	entries := make([]entry, len(cands))
	covered := map[string]bool{} // departments that already have a convention in a higher tier
	for i, c := range cands {
		entries[i] = entry{c: c, tier: tierOther, index: i}
		if len(c.Doubts) > 0 {
			entries[i].tier = tierDoubt
			covered[c.Department] = true
		}
	}
	before := func(a, b Candidate) bool {
		if a.weight() != b.weight() {
			return a.weight() > b.weight()
		}
		return a.GrantedCents > b.GrantedCents
	}
	// Each department not covered by a doubt gets its most funded association promoted.
	best := map[string]int{}
	for i, e := range entries {
		d := e.c.Department
		if e.tier != tierOther || d == "" || !inRegion[d] || covered[d] {
			continue
		}
		if j, ok := best[d]; !ok || before(e.c, entries[j].c) {
			best[d] = i
		}
	}
	for _, i := range best {
		entries[i].tier = tierDepartment
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.tier != b.tier {
			return cmp.Compare(a.tier, b.tier)
		}
		if before(a.c, b.c) {
			return -1
		}
		if before(b.c, a.c) {
			return 1
		}
		return cmp.Compare(a.index, b.index)
	})
	out := make([]Ranked, len(entries))
	for i, e := range entries {
		out[i] = Ranked{Candidate: e.c, Rank: i + 1, Reasons: reasons(e.c, e.tier)}
	}
	return out
}

func reasons(c Candidate, tier int) []Reason {
	var rs []Reason
	for _, k := range c.Doubts {
		rs = append(rs, Reason{ReasonDoubt, "Un correspondant a signalé un " + DoubtLabel(k) + "."})
	}
	if tier == tierDepartment {
		dep, _ := territory.LookupDepartment(c.Department)
		rs = append(rs, Reason{ReasonDepartment, fmt.Sprintf("Association la plus financée du département %s (%s) : au moins un contrôle par département.", dep.Name, dep.Code)})
	}
	if c.IsCTAI() {
		rs = append(rs, Reason{ReasonCTAI, ctaiReason(c)})
	}
	return append(rs, Reason{ReasonFunding, fundingReason(c)})
}

// ctaiReason says through which collectivité's CTAI the association was funded, and how much.
func ctaiReason(c Candidate) string {
	amount := french.Euros(c.GrantedCents)
	if c.GrantedCents == 0 {
		amount = "montant non précisé par le bilan"
	}
	return fmt.Sprintf("Association financée via le CTAI de %s (%s).", c.CollectiviteName, amount)
}

// fundingReason says the association's funding of the year and this candidate's share.
func fundingReason(c Candidate) string {
	this, only := "cette convention", "cette seule convention"
	if c.IsCTAI() {
		this, only = "ce CTAI", "ce seul CTAI"
	}
	if c.AssociationConventions+c.AssociationCTAIs <= 1 || c.weight() == c.GrantedCents {
		return "Financement P104 de l'association dans l'année : " + french.Euros(c.GrantedCents) + " (" + only + ")."
	}
	return fmt.Sprintf("Financement P104 de l'association dans l'année : %s (%s), dont %s par %s.",
		french.Euros(c.weight()), fundings(c), french.Euros(c.GrantedCents), this)
}

// fundings counts an association's fundings of the year: « 3 conventions », « 1 convention et 2 CTAI ».
func fundings(c Candidate) string {
	conv := fmt.Sprintf("%d convention", c.AssociationConventions)
	if c.AssociationConventions > 1 {
		conv += "s"
	}
	switch {
	case c.AssociationCTAIs == 0:
		return conv
	case c.AssociationConventions == 0:
		return fmt.Sprintf("%d CTAI", c.AssociationCTAIs)
	}
	return fmt.Sprintf("%s et %d CTAI", conv, c.AssociationCTAIs)
}
