package workflows

// Change IDs for workflow.GetVersion, one per change made to a workflow that may
// be running in production, named for what it changes. A recorded history of
// the old code under testdata/ must keep replaying (see replay_test.go).

const (
	// changeClosureSummary: the campaign workflow emails the correspondent a
	// summary of the dossiers received when the call closes.
	changeClosureSummary = "closure-summary"
	// changeUndeliverableNotice: when a dossier's accusé de réception is refused
	// for good, the correspondent is told which association could not be reached.
	changeUndeliverableNotice = "undeliverable-notice"
	// changeSelection: after the closure the campaign waits for the committee's
	// selection (an Update) and passes each decision to its dossier.
	changeSelection = "selection"
	// changeAwaitDecision: a dossier under review waits for the committee's
	// decision and tells its porteur de projet.
	changeAwaitDecision = "await-decision"
	// changeConvention: a retained dossier's workflow sends its convention for
	// signature and carries it to signed or lapsed.
	changeConvention = "convention"
	// changeCancellation: after the selection the campaign stays open to a
	// cancellation until its conventions are signed or lapsed.
	changeCancellation = "cancellation"
	// changeCarifOref: after the selection the region's Carif-Oref receives the
	// list of the funded language actions (§4.1.2).
	changeCarifOref = "carif-oref"
	// changeDossierPhase: a dossier's workflow keeps its AapPhase search
	// attribute in step with its state (it stayed "deposited" before).
	changeDossierPhase = "dossier-phase"
	// changeSignedConfirmation: a signed convention is confirmed to the association
	// (with the compte-rendu financier's due date) and to the correspondent.
	changeSignedConfirmation = "signed-confirmation"
	// changeFinancialReport: a signed convention's workflow waits for its
	// compte-rendu financier, reminds before and after its due date and records
	// it missing past the last reminder (§8.4).
	changeFinancialReport = "financial-report"
	// changeRenewalCheck: a dossier's workflow records and announces what blocks
	// its association's renewal (missed PNE, overdue compte-rendu financier), when
	// it is filed and when it goes under review.
	changeRenewalCheck = "renewal-check"
)
