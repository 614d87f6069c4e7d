package dstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/dian-p104/aap/internal/connector/ds"
)

// Dossier is a DS dossier the fake serves.
type Dossier struct {
	Number    int
	State     string
	DateDepot time.Time
	UpdatedAt time.Time
	Email     string
	Champs    []ds.Champ
	// Motivation is what the last decision carried.
	Motivation string
}

// Mutation is a decision the fake received.
type Mutation struct {
	Operation     string
	DossierNumber int
	InstructeurID string
	Motivation    string
}

// Server is a fake DS GraphQL endpoint for one démarche.
type Server struct {
	*httptest.Server
	t        testing.TB
	schema   *ast.Schema
	Token    string
	Demarche int

	mu          sync.Mutex
	descriptors []ds.ChampDescriptor
	dossiers    map[int]*Dossier
	failures    []failure
	mutations   []Mutation
	requests    map[string]int
}

type failure struct {
	skip       int // requests answered normally before this failure
	status     int
	retryAfter string
}

// New starts a fake DS serving démarche number demarche to the token.
func New(t testing.TB, demarche int, token string, descriptors []ds.ChampDescriptor) *Server {
	t.Helper()
	schema, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, schema: schema, Token: token, Demarche: demarche, descriptors: descriptors,
		dossiers: map[int]*Dossier{}, requests: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Put adds or replaces a dossier.
func (s *Server) Put(d Dossier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dossiers[d.Number] = &d
}

// Get returns a copy of a dossier as DS holds it now.
func (s *Server) Get(number int) Dossier {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.dossiers[number]
}

// Fail makes the next n requests answer status (429 with retryAfter seconds).
func (s *Server) Fail(n, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFrom(0, n, status, retryAfter)
}

// FailAfter answers ok requests normally, then fails the n next with status.
func (s *Server) FailAfter(ok, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFrom(ok, n, status, "")
}

func (s *Server) failFrom(skip, n, status int, retryAfter string) {
	for i := range n {
		f := failure{status: status, retryAfter: retryAfter}
		if i == 0 {
			f.skip = skip
		}
		s.failures = append(s.failures, f)
	}
}

// Mutations returns the decisions received, in order.
func (s *Server) Mutations() []Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mutation(nil), s.mutations...)
}

// Requests returns how many times an operation was received.
func (s *Server) Requests(operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[operation]
}

type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 0 && s.failures[0].skip > 0 {
		s.failures[0].skip--
	} else if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		http.Error(w, `{"errors":[{"message":"Without a token, only persisted queries are allowed"}]}`, http.StatusUnauthorized)
		return
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.t.Errorf("fake DS: unreadable request: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	doc, err := Validate(s.schema, req.Query)
	if err == nil {
		_, err = validator.VariableValues(s.schema, doc.Operations[0], req.Variables)
	}
	if err != nil {
		s.t.Errorf("fake DS: operation %s refused by DS's schema: %v", req.OperationName, err)
		writeJSON(w, map[string]any{"errors": []map[string]string{{"message": err.Error()}}})
		return
	}
	s.requests[req.OperationName]++
	data, gqlErr := s.answer(doc.Operations[0], req.Variables)
	if gqlErr != "" {
		writeJSON(w, map[string]any{"data": nil, "errors": []map[string]string{{"message": gqlErr}}})
		return
	}
	raw, _ := json.Marshal(data)
	if err := CheckResponse(s.schema, doc, raw); err != nil {
		s.t.Errorf("fake DS: its answer to %s: %v", req.OperationName, err)
	}
	writeJSON(w, map[string]json.RawMessage{"data": raw})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// answer runs one operation on the fake's data.
func (s *Server) answer(op *ast.OperationDefinition, vars map[string]any) (map[string]any, string) {
	switch op.Name {
	case "getDemarcheDescriptors":
		if num(vars["demarcheNumber"]) != s.Demarche {
			return nil, "Demarche not found"
		}
		descs := make([]map[string]any, len(s.descriptors))
		for i, d := range s.descriptors {
			descs[i] = map[string]any{"__typename": d.Typename, "id": d.ID, "label": d.Label, "required": d.Required}
		}
		return map[string]any{"demarche": map[string]any{"id": demarcheID(s.Demarche), "number": s.Demarche,
			"activeRevision": map[string]any{"champDescriptors": descs}}}, ""
	case "getDossiers":
		if num(vars["demarcheNumber"]) != s.Demarche {
			return nil, "Demarche not found"
		}
		return map[string]any{"demarche": map[string]any{"dossiers": s.page(vars)}}, ""
	case "getDossierState":
		d := s.dossiers[num(vars["dossierNumber"])]
		if d == nil {
			return nil, "Dossier not found"
		}
		return map[string]any{"dossier": ref(d)}, ""
	default:
		return s.decide(op.Name, vars["input"].(map[string]any))
	}
}

// page answers dossiers(updatedSince:, after:, first:) in DS's order: by last
// change, then number; the cursor is the position after which to go on.
func (s *Server) page(vars map[string]any) map[string]any {
	var since time.Time
	if v, ok := vars["updatedSince"].(string); ok {
		since, _ = time.Parse(time.RFC3339, v)
	}
	list := make([]*Dossier, 0, len(s.dossiers))
	for _, d := range s.dossiers {
		if !d.UpdatedAt.Before(since) {
			list = append(list, d)
		}
	}
	sort.Slice(list, func(i, j int) bool { return position(list[i]) < position(list[j]) })
	if after, ok := vars["after"].(string); ok {
		raw, _ := base64.StdEncoding.DecodeString(after)
		for len(list) > 0 && position(list[0]) <= string(raw) {
			list = list[1:]
		}
	}
	first := 100
	if vars["first"] != nil {
		first = min(num(vars["first"]), 100)
	}
	more := len(list) > first
	list = list[:min(first, len(list))]
	nodes := make([]map[string]any, len(list))
	var end any
	for i, d := range list {
		nodes[i] = node(d)
		end = base64.StdEncoding.EncodeToString([]byte(position(d)))
	}
	return map[string]any{"pageInfo": map[string]any{"hasNextPage": more, "endCursor": end}, "nodes": nodes}
}

func position(d *Dossier) string {
	return d.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000") + fmt.Sprintf("/%09d", d.Number)
}

func node(d *Dossier) map[string]any {
	champs := make([]map[string]any, len(d.Champs))
	for i, c := range d.Champs {
		champs[i] = champ(c)
	}
	return map[string]any{
		"id": dossierID(d.Number), "number": d.Number, "state": d.State,
		"dateDepot": d.DateDepot.UTC().Format(time.RFC3339), "dateDerniereModification": d.UpdatedAt.UTC().Format(time.RFC3339),
		"usager": map[string]any{"email": d.Email}, "champs": champs,
	}
}

// champ answers the fields the connector selects, typed by the champ's type.
func champ(c ds.Champ) map[string]any {
	m := map[string]any{"__typename": c.Typename, "id": c.ID, "champDescriptorId": c.ChampDescriptorID, "label": c.Label, "stringValue": c.StringValue}
	switch c.Typename {
	case "CheckboxChamp":
		m["checked"] = c.Checked != nil && *c.Checked
	case "YesNoChamp":
		m["yes"] = c.Yes
	case "IntegerNumberChamp":
		if len(c.IntegerValue) > 0 {
			m["integerValue"] = c.IntegerValue
		} else {
			m["integerValue"] = nil
		}
	case "DecimalNumberChamp":
		m["decimalValue"] = c.DecimalValue
	}
	return m
}

func ref(d *Dossier) map[string]any {
	return map[string]any{"id": dossierID(d.Number), "number": d.Number, "state": d.State}
}

// decide applies a decision from the state DS allows it from, as DS does.
func (s *Server) decide(operation string, input map[string]any) (map[string]any, string) {
	number := numberOf(fmt.Sprint(input["dossierId"]))
	d := s.dossiers[number]
	if d == nil {
		return nil, "Dossier not found"
	}
	motivation, _ := input["motivation"].(string)
	s.mutations = append(s.mutations, Mutation{Operation: operation, DossierNumber: number, InstructeurID: fmt.Sprint(input["instructeurId"]), Motivation: motivation})
	from, to := ds.StateEnInstruction, ds.StateAccepte
	switch operation {
	case "dossierPasserEnInstruction":
		from, to = ds.StateEnConstruction, ds.StateEnInstruction
	case "dossierRefuser":
		to = ds.StateRefuse
	}
	payload := map[string]any{"dossier": nil, "errors": []map[string]any{{"message": "Le dossier est en " + d.State}}}
	if d.State == from {
		d.State, d.Motivation = to, motivation
		payload = map[string]any{"dossier": ref(d), "errors": nil}
	}
	return map[string]any{operation: payload}, ""
}

func dossierID(n int) string {
	return base64.StdEncoding.EncodeToString([]byte("Dossier-" + strconv.Itoa(n)))
}
func demarcheID(n int) string {
	return base64.StdEncoding.EncodeToString([]byte("Procedure-" + strconv.Itoa(n)))
}

func numberOf(id string) int {
	raw, _ := base64.StdEncoding.DecodeString(id)
	n, _ := strconv.Atoi(strings.TrimPrefix(string(raw), "Dossier-"))
	return n
}

func num(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}
