// Package limesurvey is the connector to the PNE's questionnaire on LimeSurvey, through its
// RemoteControl 2 API in JSON-RPC (application/helpers/remotecontrol/remotecontrol_handle.php):
// get_session_key, add_participants, list_participants, release_session_key.
package limesurvey

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Client calls one LimeSurvey's RemoteControl API as one user.
type Client struct {
	URL, User, Password string
	HTTP                *http.Client
}

// New returns a client with a bounded HTTP timeout.
func New(url, user, password string) *Client {
	return &Client{URL: url, User: user, Password: password, HTTP: &http.Client{Timeout: time.Minute}}
}

// Configured reports whether a LimeSurvey is set (AAP_LIMESURVEY_URL).
func (c *Client) Configured() bool { return c != nil && c.URL != "" }

type rpcRequest struct {
	Method string `json:"method"`
	Params []any  `json:"params"`
	ID     int    `json:"id"`
}

type rpcResponse struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  any             `json:"error"`
}

// call sends one JSON-RPC request and returns its result; a result that is a
// {"status": "…"} object other than "OK" is LimeSurvey's error.
func (c *Client) call(ctx context.Context, method string, params ...any) (json.RawMessage, error) {
	body, err := json.Marshal(rpcRequest{Method: method, Params: params, ID: 1})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, &Error{Kind: KindUnavailable, Status: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &Error{Kind: KindUnavailable, Status: err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Kind: KindUnavailable, Status: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	var r rpcResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, &Error{Kind: KindUnavailable, Status: "réponse illisible : " + err.Error()}
	}
	if r.Error != nil {
		return nil, &Error{Kind: KindRefused, Status: fmt.Sprint(r.Error)}
	}
	var status struct {
		Status *string `json:"status"`
	}
	if json.Unmarshal(r.Result, &status) == nil && status.Status != nil && *status.Status != "OK" {
		return nil, statusError(*status.Status)
	}
	return r.Result, nil
}

// withSession obtains a session key, runs f with it and releases it, whatever f did.
func (c *Client) withSession(ctx context.Context, f func(key string) error) error {
	raw, err := c.call(ctx, "get_session_key", c.User, c.Password)
	if err != nil {
		return err
	}
	var key string
	if err := json.Unmarshal(raw, &key); err != nil {
		return &Error{Kind: KindRefused, Status: "clé de session illisible"}
	}
	defer func() {
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = c.call(release, "release_session_key", key)
	}()
	return f(key)
}

// Participant is a structure added to the survey: its token is the engine's, so the
// emailed link opens its own questionnaire.
type Participant struct {
	Token      string `json:"token"`
	FirstName  string `json:"firstname"`
	LastName   string `json:"lastname"`
	Email      string `json:"email"`
	Region     string `json:"attribute_1"`
	Department string `json:"attribute_2"`
}

// AddParticipants adds participants with their own tokens (bCreateToken false). A token
// the survey already has comes back with errors: it is counted as there already.
func (c *Client) AddParticipants(ctx context.Context, surveyID int, ps []Participant) (added int, err error) {
	err = c.withSession(ctx, func(key string) error {
		raw, err := c.call(ctx, "add_participants", key, surveyID, ps, false)
		if err != nil {
			return err
		}
		var out []map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			return &Error{Kind: KindUnavailable, Status: "réponse illisible : " + err.Error()}
		}
		for _, p := range out {
			if _, failed := p["errors"]; !failed {
				added++
			}
		}
		return nil
	})
	return added, err
}

// Completion is a participant who completed the questionnaire, and when.
type Completion struct {
	Token       string
	CompletedAt *time.Time // nil when LimeSurvey records no date ("Y")
}

// pageSize is how many participants one list_participants call reads.
const pageSize = 500

// Completions lists the participants who completed the survey (list_participants with
// the completed attribute), page by page.
func (c *Client) Completions(ctx context.Context, surveyID int, paris *time.Location) ([]Completion, error) {
	var out []Completion
	err := c.withSession(ctx, func(key string) error {
		for start := 0; ; start += pageSize {
			raw, err := c.call(ctx, "list_participants", key, surveyID, start, pageSize, false, []string{"completed"})
			if IsNoParticipants(err) {
				return nil
			}
			if err != nil {
				return err
			}
			var page []struct {
				Token     string `json:"token"`
				Completed string `json:"completed"`
			}
			if err := json.Unmarshal(raw, &page); err != nil {
				return &Error{Kind: KindUnavailable, Status: "réponse illisible : " + err.Error()}
			}
			for _, p := range page {
				if done, at := completed(p.Completed, paris); done {
					out = append(out, Completion{Token: p.Token, CompletedAt: at})
				}
			}
			if len(page) < pageSize {
				return nil
			}
		}
	})
	return out, err
}

// completed reads LimeSurvey's completed column: "N" not yet, "Y" done without a date,
// else the date-time of completion in the server's (Paris) time.
func completed(v string, paris *time.Location) (bool, *time.Time) {
	switch v {
	case "", "N":
		return false, nil
	case "Y":
		return true, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", v, paris); err == nil {
		return true, &t
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", v, paris); err == nil {
		return true, &t
	}
	return true, nil
}
