// Package limesurveytest is a LimeSurvey RemoteControl 2 JSON-RPC server for the tests,
// answering as remotecontrol_handle.php does: get_session_key($username, $password,
// $plugin), release_session_key($sSessionKey), add_participants($sSessionKey, $iSurveyID,
// $aParticipantData, $bCreateToken = true), list_participants($sSessionKey, $iSurveyID,
// $iStart = 0, $iLimit = 10, $bUnused = false, $aAttributes = false, $aConditions = array());
// errors are a result {"status": "…"}.
package limesurveytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
)

// Server is one survey with its participants table.
type Server struct {
	*httptest.Server
	t                testing.TB
	User, Password   string
	SurveyID         int
	mu               sync.Mutex
	sessions         map[string]bool
	released, opened int
	participants     map[string]map[string]any // by token
	order            []string
	down             int
}

// New starts a LimeSurvey with one survey.
func New(t testing.TB, user, password string, surveyID int) *Server {
	s := &Server{t: t, User: user, Password: password, SurveyID: surveyID, sessions: map[string]bool{},
		participants: map[string]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Complete marks a participant's questionnaire completed at "2006-01-02 15:04" (or "Y").
func (s *Server) Complete(token, at string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.participants[token]["completed"] = at
}

// Participant returns a participant's row, nil if absent.
func (s *Server) Participant(token string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.participants[token]
}

// Down answers the next n requests with HTTP 503.
func (s *Server) Down(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = n
}

// OpenSessions is the number of session keys obtained and not released.
func (s *Server) OpenSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened - s.released
}

type request struct {
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
	ID     any               `json:"id"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down > 0 {
		s.down--
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.t.Errorf("limesurvey: unreadable request: %v", err)
		return
	}
	result := s.dispatch(req)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": req.ID, "result": result, "error": nil})
}

func status(s string) map[string]string { return map[string]string{"status": s} }

func (s *Server) dispatch(req request) any {
	p := req.Params
	arg := func(i int, v any) bool {
		if i >= len(p) {
			return false
		}
		if err := json.Unmarshal(p[i], v); err != nil {
			s.t.Errorf("limesurvey: %s parameter %d: %v", req.Method, i, err)
			return false
		}
		return true
	}
	var key string
	switch req.Method {
	case "get_session_key":
		var user, password string
		if !arg(0, &user) || !arg(1, &password) || user != s.User || password != s.Password {
			return status("Invalid user name or password")
		}
		s.opened++
		key = fmt.Sprintf("session-%d", s.opened)
		s.sessions[key] = true
		return key
	case "release_session_key":
		arg(0, &key)
		if s.sessions[key] {
			delete(s.sessions, key)
			s.released++
		}
		return "OK"
	}
	if !arg(0, &key) || !s.sessions[key] {
		return status("Invalid session key")
	}
	var survey int
	if !arg(1, &survey) || survey != s.SurveyID {
		return status("Error: Invalid survey ID")
	}
	switch req.Method {
	case "add_participants":
		return s.add(arg)
	case "list_participants":
		return s.list(arg)
	}
	s.t.Errorf("limesurvey: method %s not expected", req.Method)
	return status("Unknown method")
}

// add inserts each participant; a token already there comes back with its errors.
func (s *Server) add(arg func(int, any) bool) any {
	var ps []map[string]any
	createToken := true
	arg(2, &ps)
	arg(3, &createToken)
	if createToken {
		s.t.Errorf("limesurvey: the engine's tokens must be kept (bCreateToken false)")
	}
	for i, pt := range ps {
		token, _ := pt["token"].(string)
		if _, exists := s.participants[token]; exists || token == "" {
			ps[i]["errors"] = map[string][]string{"token": {"Token " + token + " already exists."}}
			continue
		}
		pt["tid"] = len(s.order) + 1
		pt["completed"] = "N"
		s.participants[token] = pt
		s.order = append(s.order, token)
	}
	return ps
}

// list answers a page, ordered by tid, with the requested extra attributes.
func (s *Server) list(arg func(int, any) bool) any {
	start, limit, unused := 0, 10, false
	var attrs []string
	arg(2, &start)
	arg(3, &limit)
	arg(4, &unused)
	arg(5, &attrs)
	tokens := append([]string(nil), s.order...)
	sort.SliceStable(tokens, func(i, j int) bool {
		return s.participants[tokens[i]]["tid"].(int) < s.participants[tokens[j]]["tid"].(int)
	})
	var out []map[string]any
	for _, tok := range tokens[min(start, len(tokens)):min(start+limit, len(tokens))] {
		pt := s.participants[tok]
		if unused && pt["completed"] != "N" {
			continue
		}
		row := map[string]any{"tid": pt["tid"], "token": tok,
			"participant_info": map[string]any{"firstname": pt["firstname"], "lastname": pt["lastname"], "email": pt["email"]}}
		for _, a := range attrs {
			row[a] = pt[a]
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return status("No survey participants found.")
	}
	return out
}
