package mailcatcher

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
	gomail "github.com/wneessen/go-mail"
)

const (
	testSubject = "Publication de l'appel à projets – Rhône"
	testText    = "Bonjour,\n\nL'appel à projets « Rhône » est publié : déposez votre dossier avant le 30 juin.\nCordialement,\nLa DIAN"
	testHTML    = `<p>Bonjour,</p><p>L'appel à projets <strong>« Rhône »</strong> est publié.</p><script>alert(1)</script>`
	testICS     = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//aap//test//FR\r\nBEGIN:VEVENT\r\nUID:clôture-1@aap\r\nDTSTART:20260630T220000Z\r\nSUMMARY:Clôture de l'appel à projets\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func startCatcher(t *testing.T, dir string) *Catcher {
	t.Helper()
	c, err := Start(Options{Addr: "127.0.0.1:0", Dir: dir, Logger: quietLogger()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newClient(t *testing.T, c *Catcher) *gomail.Client {
	t.Helper()
	host, portStr, err := net.SplitHostPort(c.Addr())
	require.NoError(t, err)
	port, err := strconv.Atoi(portStr)
	require.NoError(t, err)
	client, err := gomail.NewClient(host,
		gomail.WithPort(port),
		gomail.WithTLSPortPolicy(gomail.NoTLS),
		gomail.WithTimeout(10*time.Second),
		gomail.WithHELO("aap.test"),
	)
	require.NoError(t, err)
	return client
}

// buildMessage builds the kind of message the engine sends: accented
// subject, text + HTML alternatives and an .ics attachment.
func buildMessage(t *testing.T, subject string) *gomail.Msg {
	t.Helper()
	m := gomail.NewMsg()
	require.NoError(t, m.From("Plateforme AAP <ne-pas-repondre@aap.example.fr>"))
	require.NoError(t, m.To("Élodie Martin <elodie.martin@example.org>", "porteur@example.com"))
	m.Subject(subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, testText)
	m.AddAlternativeString(gomail.TypeTextHTML, testHTML)
	require.NoError(t, m.AttachReader("cloture.ics", strings.NewReader(testICS),
		gomail.WithFileContentType(gomail.ContentType("text/calendar"))))
	return m
}

func send(t *testing.T, c *Catcher, m *gomail.Msg) error {
	t.Helper()
	return newClient(t, c).DialAndSend(m)
}

func TestSendAndParse(t *testing.T) {
	c := startCatcher(t, t.TempDir())
	m := buildMessage(t, testSubject)
	require.NoError(t, send(t, c, m))

	require.Equal(t, 1, c.Count())
	list, err := c.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	s := list[0]
	require.Equal(t, "ne-pas-repondre@aap.example.fr", s.From)
	require.Equal(t, []string{"elodie.martin@example.org", "porteur@example.com"}, s.To)
	require.Equal(t, testSubject, s.Subject)
	require.Equal(t, m.GetMessageID(), s.MessageID)
	require.NotEmpty(t, s.MessageID)
	require.WithinDuration(t, time.Now(), s.ReceivedAt, time.Minute)
	require.FileExists(t, filepath.Join(c.dir, s.ID+".eml"))

	msg, err := c.Get(s.ID)
	require.NoError(t, err)
	require.Equal(t, s, msg.Summary)
	require.Equal(t, testText, strings.ReplaceAll(msg.TextBody, "\r\n", "\n"))
	require.Equal(t, testHTML, msg.HTMLBody)
	require.Len(t, msg.Attachments, 1)
	a := msg.Attachments[0]
	require.Equal(t, "cloture.ics", a.Filename)
	require.Equal(t, "text/calendar", a.ContentType)
	require.Equal(t, testICS, string(a.Content))
	require.Equal(t, len(testICS), a.Size)
	require.Equal(t, m.GetMessageID(), msg.Header.Get("Message-Id"))
	require.Contains(t, msg.Header.Get("From"), "ne-pas-repondre@aap.example.fr")
	require.True(t, bytes.HasPrefix(msg.Raw, []byte("X-Catcher-Envelope-From: ne-pas-repondre@aap.example.fr\r\n")), "%.200s", msg.Raw)

	_, err = c.Get("1234")
	require.ErrorIs(t, err, ErrNotFound)
	for _, bad := range []string{"", "..", "../" + s.ID, "..\\" + s.ID, "a/b", s.ID + "/../" + s.ID, ".hidden"} {
		_, err = c.Get(bad)
		require.ErrorIs(t, err, ErrNotFound, "id %q", bad)
	}
}

func TestNewestFirstAndConcurrentSessions(t *testing.T) {
	c := startCatcher(t, t.TempDir())
	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- send(t, c, buildMessage(t, "Message "+strconv.Itoa(i))) }()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	list, err := c.List()
	require.NoError(t, err)
	require.Len(t, list, n)
	for i := 1; i < len(list); i++ {
		require.Greater(t, list[i-1].ID, list[i].ID)
		require.False(t, list[i-1].ReceivedAt.Before(list[i].ReceivedAt))
	}

	require.NoError(t, send(t, c, buildMessage(t, "Le plus récent")))
	list, err = c.List()
	require.NoError(t, err)
	require.Equal(t, "Le plus récent", list[0].Subject)
}

func TestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	c := startCatcher(t, dir)
	require.NoError(t, send(t, c, buildMessage(t, testSubject)))
	before, err := c.List()
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close is idempotent")

	// A temporary file left by a crash is cleaned up and never listed.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".incoming-123.tmp"), []byte("partial"), 0o600))

	c2 := startCatcher(t, dir)
	after, err := c2.List()
	require.NoError(t, err)
	require.Equal(t, before, after)
	require.NoFileExists(t, filepath.Join(dir, ".incoming-123.tmp"))

	msg, err := c2.Get(after[0].ID)
	require.NoError(t, err)
	require.Equal(t, testSubject, msg.Subject)

	require.NoError(t, send(t, c2, buildMessage(t, "Après redémarrage")))
	after, err = c2.List()
	require.NoError(t, err)
	require.Len(t, after, 2)
	require.Equal(t, "Après redémarrage", after[0].Subject)
}

func TestFailNext(t *testing.T) {
	c := startCatcher(t, t.TempDir())

	c.FailNext(1, 451, "Try again later")
	err := send(t, c, buildMessage(t, "refusé temporairement"))
	require.Error(t, err)
	var sendErr *gomail.SendError
	require.ErrorAs(t, err, &sendErr)
	require.True(t, sendErr.IsTemp(), "451 must be temporary: %v", err)
	require.Equal(t, 451, sendErr.ErrorCode())
	require.Equal(t, 0, c.Count())

	require.NoError(t, send(t, c, buildMessage(t, "accepté")))
	require.Equal(t, 1, c.Count())

	c.FailNext(1, 550, "Mailbox unavailable")
	err = send(t, c, buildMessage(t, "refusé définitivement"))
	require.ErrorAs(t, err, &sendErr)
	require.False(t, sendErr.IsTemp(), "550 must be permanent: %v", err)
	require.Equal(t, 550, sendErr.ErrorCode())

	c.FailNext(3, 451, "")
	c.FailNext(0, 0, "") // clears
	require.NoError(t, send(t, c, buildMessage(t, "accepté aussi")))

	list, err := c.List()
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "accepté aussi", list[0].Subject)
	require.Equal(t, "accepté", list[1].Subject)
	entries, err := os.ReadDir(c.dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "nothing stored for refused messages, no temporary file left")
}

func TestWaitFor(t *testing.T) {
	c := startCatcher(t, t.TempDir())

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.WaitFor(ctx, 1)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = send(t, c, buildMessage(t, "attendu"))
	}()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	list, err := c.WaitFor(ctx2, 1)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "attendu", list[0].Subject)

	// Already satisfied: returns at once.
	list, err = c.WaitFor(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestParseNestedAndEncodings(t *testing.T) {
	raw := "X-Catcher-Envelope-From: a@example.org\r\n" +
		"X-Catcher-Envelope-To: b@example.org\r\n" +
		"Subject: =?ISO-8859-1?Q?Cl=F4ture_de_l'appel?= =?UTF-8?B?IOKAkyBSaMO0bmU=?=\r\n" +
		"Message-ID: <x@y>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
		"\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/related; boundary=\"mid\"\r\n" +
		"\r\n" +
		"--mid\r\n" +
		"Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
		"\r\n" +
		"--inner\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n" +
		"\r\n" +
		"R=E9sum=E9 tr=E8s long qui d=E9passe la limite de soixante-seize caract=\r\n" +
		"=E8res.\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"PHA+UsOpc3Vtw6k8L3A+\r\n" +
		"--inner--\r\n" +
		"--mid\r\n" +
		"Content-Type: image/png\r\n" +
		"Content-ID: <logo>\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"iVBORw0K\r\n" +
		"--mid--\r\n" +
		"--outer\r\n" +
		"Content-Type: application/pdf; name=\"=?UTF-8?Q?r=C3=A8glement.pdf?=\"\r\n" +
		"Content-Disposition: attachment; filename*=UTF-8''r%C3%A8glement.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		"JVBERi0x\r\n" +
		"--outer--\r\n"
	msg := parseMessage("1-1", []byte(raw), time.Time{})
	require.Equal(t, "Clôture de l'appel – Rhône", msg.Subject)
	require.Equal(t, "a@example.org", msg.From)
	require.Equal(t, []string{"b@example.org"}, msg.To)
	require.Equal(t, "<x@y>", msg.MessageID)
	require.Equal(t, "Résumé très long qui dépasse la limite de soixante-seize caractères.", strings.TrimSpace(msg.TextBody))
	require.Equal(t, "<p>Résumé</p>", msg.HTMLBody)
	require.Len(t, msg.Attachments, 2)
	require.Equal(t, "image/png", msg.Attachments[0].ContentType)
	require.Equal(t, "piece-jointe-3.png", msg.Attachments[0].Filename)
	require.Equal(t, []byte("\x89PNG\r\n"), msg.Attachments[0].Content)
	require.Equal(t, "règlement.pdf", msg.Attachments[1].Filename)
	require.Equal(t, "application/pdf", msg.Attachments[1].ContentType)
	require.Equal(t, "%PDF-1", string(msg.Attachments[1].Content))

	// Unparsable headers: still shown, as text.
	bad := parseMessage("2-1", []byte("not a header line\r\n\r\nbody"), time.Time{})
	require.Contains(t, bad.TextBody, "not a header line")
}

func newRouter(c *Catcher) *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	c.Register(r.Group("/dev"), "/courriels")
	return r
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

func TestWebPages(t *testing.T) {
	c := startCatcher(t, t.TempDir())
	r := newRouter(c)

	w := get(t, r, "/dev/courriels")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Header().Get("Content-Type"), "text/html")
	body := w.Body.String()
	require.Contains(t, body, `<html lang="fr">`)
	require.Contains(t, body, "<title>Courriels capturés</title>")
	require.Contains(t, body, "Aucun courriel capturé pour l'instant.")
	require.NotContains(t, body, "<script")

	m := buildMessage(t, testSubject)
	require.NoError(t, send(t, c, m))
	list, err := c.List()
	require.NoError(t, err)
	id := list[0].ID

	w = get(t, r, "/dev/courriels")
	require.Equal(t, http.StatusOK, w.Code)
	body = w.Body.String()
	require.Contains(t, body, "Publication de l&#39;appel à projets – Rhône")
	require.Contains(t, body, `<th scope="col">Expéditeur</th>`)
	require.Contains(t, body, `<th scope="col">Destinataires</th>`)
	require.Contains(t, body, "elodie.martin@example.org, porteur@example.com")
	require.Contains(t, body, `href="/dev/courriels/`+id+`"`)

	w = get(t, r, "/dev/courriels/"+id)
	require.Equal(t, http.StatusOK, w.Code)
	body = w.Body.String()
	require.Contains(t, body, "Publication de l&#39;appel à projets – Rhône")
	require.Contains(t, body, "<pre>Bonjour,")
	require.Contains(t, body, "déposez votre dossier")
	require.Contains(t, body, `<iframe sandbox="" srcdoc="&lt;p&gt;Bonjour,&lt;/p&gt;`)
	require.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.NotContains(t, body, "<script")
	require.Contains(t, body, `href="/dev/courriels/`+id+`/attachments/0"`)
	require.Contains(t, body, "cloture.ics")
	require.Contains(t, body, `href="/dev/courriels/`+id+`/raw"`)

	w = get(t, r, "/dev/courriels/"+id+"/raw")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
	raw, err := os.ReadFile(filepath.Join(c.dir, id+".eml"))
	require.NoError(t, err)
	require.Equal(t, raw, w.Body.Bytes())

	w = get(t, r, "/dev/courriels/"+id+"/attachments/0")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "text/calendar", w.Header().Get("Content-Type"))
	require.Contains(t, w.Header().Get("Content-Disposition"), "attachment")
	require.Contains(t, w.Header().Get("Content-Disposition"), "cloture.ics")
	require.Equal(t, testICS, w.Body.String())

	w = get(t, r, "/dev/courriels/"+id+"/attachments/1")
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Contains(t, w.Body.String(), "Pièce jointe introuvable")

	for _, target := range []string{
		"/dev/courriels/1234567890",
		"/dev/courriels/1234567890/raw",
		"/dev/courriels/..",
		"/dev/courriels/%2E%2E",
		"/dev/courriels/..%2Fsecret",
		"/dev/courriels/..%5Csecret",
		"/dev/courriels/../../etc/passwd",
		"/dev/courriels/%2E%2E/raw",
	} {
		w = get(t, r, target)
		require.Equal(t, http.StatusNotFound, w.Code, target)
	}
	w = get(t, r, "/dev/courriels/inconnu")
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Contains(t, w.Body.String(), "Courriel introuvable")
	require.Contains(t, w.Body.String(), `lang="fr"`)
}

func TestCloseWaitsForSessions(t *testing.T) {
	c, err := Start(Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: quietLogger()})
	require.NoError(t, err)
	require.NoError(t, send(t, c, buildMessage(t, testSubject)))

	// An SMTP session still open when Close is called.
	conn, err := net.DialTimeout("tcp", c.Addr(), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(buf[:n]), "220 "), "greeting: %q", buf[:n])
	_, err = conn.Write([]byte("EHLO client.test\r\n"))
	require.NoError(t, err)
	n, err = conn.Read(buf)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(buf[:n]), "250"), "EHLO reply: %q", buf[:n])

	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case <-done:
		t.Fatal("Close returned while a session was open")
	case <-time.After(300 * time.Millisecond):
	}
	_, err = net.DialTimeout("tcp", c.Addr(), time.Second)
	require.Error(t, err, "no longer accepting connections")

	_, err = conn.Write([]byte("QUIT\r\n"))
	require.NoError(t, err)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the session ended")
	}
	require.Equal(t, 1, c.Count(), "still readable after Close")
}

func TestRegisterPrefixes(t *testing.T) {
	c := startCatcher(t, t.TempDir())
	gin.SetMode(gin.TestMode)

	root := gin.New()
	c.Register(root, "/courriels/")
	w := get(t, root, "/courriels")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `<a href="/courriels">Courriels capturés</a>`)

	top := gin.New()
	c.Register(top, "")
	w = get(t, top, "/")
	require.Equal(t, http.StatusOK, w.Code)
	w = get(t, top, "/inconnu")
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Contains(t, w.Body.String(), "Courriel introuvable")
}

func TestCloseRightAfterStartReturns(t *testing.T) {
	for range 20 {
		c, err := Start(Options{Addr: "127.0.0.1:0", Dir: t.TempDir()})
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- c.Close() }()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("Close hung: the listener was not handed to the SMTP server yet")
		}
	}
}
