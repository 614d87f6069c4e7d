package mail

// Email of a contrat territorial d'accueil et d'intégration (CTAI) request.

import "time"

// TemplateCTAIOpinion sends DIAN's opinion on a CTAI request, with the rules' outcomes.
const TemplateCTAIOpinion = "ctai_opinion"

// CTAIOpinionData is the data of the opinion sent to the collectivité, the correspondent and DIAN.
type CTAIOpinionData struct {
	RequestID        string
	CollectiviteName string
	Year             int
	KindLabel        string
	TerritoryLabel   string
	FiledAt          time.Time
	RequestedCents   int64
	// Favourable is DIAN's opinion, with the amount delegated or its motivation.
	Favourable     bool
	DelegatedCents int64
	Motivation     string
	Outcomes       []CTAIRuleOutcome
	ReplyTo        string
	SenderLabel    string
}

// CTAIRuleOutcome is one rule's line in the opinion email.
type CTAIRuleOutcome struct {
	Label   string
	Passed  bool
	Message string
}
