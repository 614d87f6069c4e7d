package dstest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// CheckResponse checks an answer's data against the operation that asked for it: every
// selected field present under its alias and no other, null only where the schema allows
// it, lists as arrays, scalars and enums of their type, each abstract value naming a
// concrete type of the schema that implements it (__typename).
func CheckResponse(schema *ast.Schema, doc *ast.QueryDocument, data json.RawMessage) error {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	op := doc.Operations[0]
	root := schema.Query
	if op.Operation == ast.Mutation {
		root = schema.Mutation
	}
	c := checker{schema: schema}
	c.object(root, op.SelectionSet, v, "data")
	if len(c.errs) > 0 {
		return fmt.Errorf("answer does not match the schema:\n\t%s", strings.Join(c.errs, "\n\t"))
	}
	return nil
}

type checker struct {
	schema *ast.Schema
	errs   []string
}

func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// object checks one object value against a selection set on type def.
func (c *checker) object(def *ast.Definition, set ast.SelectionSet, v any, path string) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "object expected, got %T", v)
		return
	}
	concrete := def
	if def.IsAbstractType() {
		name, _ := obj["__typename"].(string)
		concrete = c.schema.Types[name]
		if concrete == nil || !c.implements(concrete, def) {
			c.fail(path, "__typename %q is not a type of the schema implementing %s", name, def.Name)
			return
		}
	}
	fields := map[string]*ast.Field{}
	c.collect(concrete, set, fields)
	for key, f := range fields {
		val, present := obj[key]
		switch {
		case !present:
			c.fail(path+"."+key, "selected field missing")
		case f.Name == "__typename":
			if val != concrete.Name {
				c.fail(path+"."+key, "__typename %v, the type is %s", val, concrete.Name)
			}
		default:
			c.value(f.Definition.Type, f.SelectionSet, val, path+"."+key)
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if fields[k] == nil {
			c.fail(path+"."+k, "field not selected by the operation")
		}
	}
}

// collect gathers the fields a selection set asks of a concrete type, by response key.
func (c *checker) collect(concrete *ast.Definition, set ast.SelectionSet, into map[string]*ast.Field) {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			into[s.Alias] = s
		case *ast.InlineFragment:
			if cond := c.schema.Types[s.TypeCondition]; s.TypeCondition == "" || (cond != nil && c.implements(concrete, cond)) {
				c.collect(concrete, s.SelectionSet, into)
			}
		}
	}
}

func (c *checker) implements(concrete, abstract *ast.Definition) bool {
	if concrete.Name == abstract.Name {
		return true
	}
	for _, p := range c.schema.GetPossibleTypes(abstract) {
		if p.Name == concrete.Name {
			return true
		}
	}
	return false
}

// value checks a value against its type.
func (c *checker) value(t *ast.Type, set ast.SelectionSet, v any, path string) {
	if v == nil {
		if t.NonNull {
			c.fail(path, "null for non-null %s", t.String())
		}
		return
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.fail(path, "list expected for %s, got %T", t.String(), v)
			return
		}
		for i, item := range list {
			c.value(t.Elem, set, item, fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	def := c.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		c.object(def, set, v, path)
	case ast.Enum:
		s, _ := v.(string)
		if def.EnumValues.ForName(s) == nil {
			c.fail(path, "%v is not a value of enum %s", v, def.Name)
		}
	default:
		if err := scalar(def.Name, v); err != nil {
			c.fail(path, "%s: %v", def.Name, err)
		}
	}
}

// scalar checks a scalar as DS serializes it.
func scalar(name string, v any) error {
	switch name {
	case "Int":
		if n, ok := v.(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
			return fmt.Errorf("integer expected, got %v", v)
		}
	case "Float":
		if _, ok := v.(json.Number); !ok {
			return fmt.Errorf("number expected, got %v", v)
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("boolean expected, got %v", v)
		}
	case "BigInt": // "encoded as a string", says the schema
		s, ok := v.(string)
		if !ok || strings.Trim(s, "-0123456789") != "" || s == "" {
			return fmt.Errorf("integer as a string expected, got %v", v)
		}
	case "ISO8601DateTime":
		s, _ := v.(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("RFC 3339 date-time expected, got %v", v)
		}
	default: // String, ID
		if _, ok := v.(string); !ok {
			return fmt.Errorf("string expected, got %v", v)
		}
	}
	return nil
}
