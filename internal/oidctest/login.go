package oidctest

import (
	"html/template"
	"net/http"
	"strings"
	"time"
)

// The provider's login step. A test that named the person (SignInAs) logs in at
// once, as a person typing their password would. Otherwise — the browser tests,
// which click through the provider as an agent does — the step is a page with a
// form: the email typed there logs in, its subject "sub-<email>", the email given
// through userinfo only, as ProConnect gives it.

// loginForm is the provider's login page for request ID.
var loginForm = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Fournisseur d'identité de test</title></head>
<body><main><h1>Fournisseur d'identité de test</h1>
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.}}">
<label for="email">Adresse électronique</label>
<input type="email" id="email" name="email" autocomplete="username" required>
<button type="submit">Se connecter</button>
</form></main></body></html>
`))

// login completes the login step of request id as the person SignInAs named, or
// shows the form (GET) and logs in the email it posts (POST); then it sends the
// browser back to the provider's callback (which redirects to the client with the code).
func (s *storage) login(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("id")
	s.mu.Lock()
	req, ok := s.requests[id]
	person := s.next
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unknown authorization request", http.StatusBadRequest)
		return
	}
	if person == (Person{}) {
		email := strings.TrimSpace(r.PostFormValue("email"))
		if r.Method != http.MethodPost || email == "" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = loginForm.Execute(w, id)
			return
		}
		person = Person{Subject: "sub-" + strings.ToLower(email), Email: email}
	}
	s.mu.Lock()
	req.person, req.done, req.authTime = person, true, time.Now()
	s.mu.Unlock()
	http.Redirect(w, r, s.callback(id), http.StatusFound)
}
