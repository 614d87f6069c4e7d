// Package ds is the connector to Démarches Simplifiées (DS), the State's online forms
// platform, through its GraphQL API v2: it reads a démarche's champs and dossiers and
// sends the call's decisions back. Every query and mutation it sends is listed in
// Operations and validated, in the tests, against DS's published schema
// (dstest/testdata/schema.graphql).
package ds

// The operations the connector sends. Their variables are named as DS's own
// documentation names them.
const (
	// queryDemarcheDescriptors reads the champs of the démarche's active revision: the
	// mapping given at the call's creation is checked against them.
	queryDemarcheDescriptors = `query getDemarcheDescriptors($demarcheNumber: Int!) {
  demarche(number: $demarcheNumber) {
    id
    number
    activeRevision {
      champDescriptors {
        __typename
        id
        label
        required
      }
    }
  }
}`

	// queryDossiers reads one page of the démarche's dossiers changed since a date.
	queryDossiers = `query getDossiers($demarcheNumber: Int!, $updatedSince: ISO8601DateTime, $after: String, $first: Int) {
  demarche(number: $demarcheNumber) {
    dossiers(updatedSince: $updatedSince, after: $after, first: $first) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        number
        state
        dateDepot
        dateDerniereModification
        usager {
          email
        }
        champs {
          __typename
          id
          champDescriptorId
          label
          stringValue
          ... on CheckboxChamp {
            checked: value
          }
          ... on YesNoChamp {
            yes: value
          }
          ... on IntegerNumberChamp {
            integerValue: value
          }
          ... on DecimalNumberChamp {
            decimalValue: value
          }
        }
      }
    }
  }
}`

	// queryDossierState reads one dossier's state: a decision is sent only from the state it needs.
	queryDossierState = `query getDossierState($dossierNumber: Int!) {
  dossier(number: $dossierNumber) {
    id
    number
    state
  }
}`

	mutationPasserEnInstruction = `mutation dossierPasserEnInstruction($input: DossierPasserEnInstructionInput!) {
  dossierPasserEnInstruction(input: $input) {
    dossier {
      id
      number
      state
    }
    errors {
      message
    }
  }
}`

	mutationAccepter = `mutation dossierAccepter($input: DossierAccepterInput!) {
  dossierAccepter(input: $input) {
    dossier {
      id
      number
      state
    }
    errors {
      message
    }
  }
}`

	mutationRefuser = `mutation dossierRefuser($input: DossierRefuserInput!) {
  dossierRefuser(input: $input) {
    dossier {
      id
      number
      state
    }
    errors {
      message
    }
  }
}`
)

// Operations lists every document the connector sends, by operation name.
var Operations = map[string]string{
	"getDemarcheDescriptors":     queryDemarcheDescriptors,
	"getDossiers":                queryDossiers,
	"getDossierState":            queryDossierState,
	"dossierPasserEnInstruction": mutationPasserEnInstruction,
	"dossierAccepter":            mutationAccepter,
	"dossierRefuser":             mutationRefuser,
}
