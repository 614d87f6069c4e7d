// Package dstest is a fake Démarches Simplifiées for the tests: a GraphQL server that
// refuses any operation its published schema (testdata/schema.graphql) does not
// validate, and checks that each of its own answers has the shape the operation's
// selection set asks for, typed as the schema says.
package dstest

import (
	_ "embed"
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

//go:embed testdata/schema.graphql
var schemaText string

// Schema loads DS's published schema (the part the connector uses).
func Schema() (*ast.Schema, error) {
	return gqlparser.LoadSchema(&ast.Source{Name: "ds/schema.graphql", Input: schemaText})
}

// Validate parses and validates an operation against the schema.
func Validate(schema *ast.Schema, operation string) (*ast.QueryDocument, error) {
	doc, errs := gqlparser.LoadQueryWithRules(schema, operation, nil) // nil: the default rules of the spec
	if len(errs) > 0 {
		return nil, errors.New(errs.Error())
	}
	if len(doc.Operations) != 1 {
		return nil, fmt.Errorf("one operation expected, got %d", len(doc.Operations))
	}
	return doc, nil
}
