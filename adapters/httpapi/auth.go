package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// Role is what a serve process answers: ingestion, queries, or both.
type Role string

// The roles of a serve process.
const (
	// RoleAll ingests and answers queries: one process, the embedded default.
	RoleAll Role = "all"
	// RoleIngest takes events (HTTP and Kafka) and appends them; it answers no queries.
	RoleIngest Role = "ingest"
	// RoleQuery follows the shared store and answers queries; it takes no events.
	RoleQuery Role = "query"
)

// ParseRole reads a role as --role gives it.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAll, RoleIngest, RoleQuery:
		return r, nil
	case "":
		return RoleAll, nil
	}
	return "", fmt.Errorf("%q is not ingest, query or all", s)
}

func (r Role) ingests() bool { return r != RoleQuery }
func (r Role) queries() bool { return r != RoleIngest }

// Access says who may call what. Publisher tokens may post events (and read); viewer tokens may read.
// With no publisher tokens, ingestion is open; with no viewer tokens, reads are open. Health,
// readiness and metrics are always open, for probes and scrapers (they carry counts, never data).
type Access struct {
	PublisherTokens []string
	ViewerTokens    []string
}

// TokenCookie is the cookie the web UI carries its viewer token in once a planner signed in at
// /login: the browser's EventSource cannot send an Authorization header.
const TokenCookie = "yardtwin_token"

// endpoint is the kind of a route, which decides the token it needs.
type endpoint int

const (
	endpointOpen    endpoint = iota // health, readiness, metrics, sign-in
	endpointPublish                 // event ingestion
	endpointRead                    // queries, stream, schemas, the UI
)

// grant is what a presented token allows.
type grant int

const (
	grantNone grant = iota
	grantViewer
	grantPublisher
)

// gate checks tokens. Tokens are kept as SHA-256 digests and compared in constant time, all of them
// on every request, so neither the length nor the position of a match shows in the timing.
type gate struct {
	publishers [][32]byte
	viewers    [][32]byte
}

func newGate(a Access) *gate {
	g := &gate{}
	for _, t := range a.PublisherTokens {
		g.publishers = append(g.publishers, sha256.Sum256([]byte(t)))
	}
	for _, t := range a.ViewerTokens {
		g.viewers = append(g.viewers, sha256.Sum256([]byte(t)))
	}
	return g
}

// grantOf is what token allows.
func (g *gate) grantOf(token string) grant {
	sum := sha256.Sum256([]byte(token))
	pub, view := 0, 0
	for _, t := range g.publishers {
		pub |= subtle.ConstantTimeCompare(sum[:], t[:])
	}
	for _, t := range g.viewers {
		view |= subtle.ConstantTimeCompare(sum[:], t[:])
	}
	switch {
	case pub == 1:
		return grantPublisher
	case view == 1:
		return grantViewer
	}
	return grantNone
}

// bearer is the token of an "Authorization: Bearer …" header, and whether there was one.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// serves answers 404 with why instead of h when this process's role does not serve the route.
func (s *Server) serves(ok bool, why string, h http.Handler) http.Handler {
	if ok {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "this twin runs --role %s: it %s", s.cfg.Role, why)
	})
}

// guard wraps a route of kind e with the token checks.
func (s *Server) guard(e endpoint, h http.Handler) http.Handler {
	switch {
	case e == endpointPublish && len(s.gate.publishers) > 0:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := bearer(r)
			if !ok {
				s.refuse(w, http.StatusUnauthorized, "a publisher token is required to send events: Authorization: Bearer <token>")
				return
			}
			switch s.gate.grantOf(token) {
			case grantPublisher:
				h.ServeHTTP(w, r)
			case grantViewer:
				s.refuse(w, http.StatusForbidden, "this is a viewer token: sending events needs a publisher token")
			default:
				s.refuse(w, http.StatusUnauthorized, "the token is not a publisher token of this twin")
			}
		})
	case e == endpointRead && len(s.gate.viewers) > 0:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := bearer(r)
			if !ok { // the web UI: a cookie set by /login, never for ingestion (no cross-site posts)
				if c, err := r.Cookie(TokenCookie); err == nil && c.Value != "" {
					token, ok = c.Value, true
				}
			}
			if ok && s.gate.grantOf(token) != grantNone {
				h.ServeHTTP(w, r)
				return
			}
			if !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html") {
				s.signIn(w, http.StatusUnauthorized, ok)
				return
			}
			if !ok {
				s.refuse(w, http.StatusUnauthorized, "a viewer token is required to read: Authorization: Bearer <token>, or sign in at /login")
				return
			}
			s.refuse(w, http.StatusUnauthorized, "the token is not a viewer or publisher token of this twin")
		})
	}
	return h
}

// refuse answers an authentication failure.
func (s *Server) refuse(w http.ResponseWriter, status int, reason string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yardtwin"`)
	}
	writeError(w, status, "%s", reason)
}

// maxSignInBody bounds the sign-in form.
const maxSignInBody = 4 << 10

// login takes the sign-in form of the web UI: a valid viewer or publisher token is kept in an
// HttpOnly, SameSite=Strict cookie that the UI's fetches and event stream carry, then the browser
// goes back to the map. The cookie is only ever accepted for reads.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSignInBody)
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" || s.gate.grantOf(token) == grantNone {
		s.signIn(w, http.StatusUnauthorized, token != "")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: TokenCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// loginPage asks a planner for a token.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.signIn(w, http.StatusOK, false)
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yardtwin: sign in</title>
<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:28em}input{font:inherit;width:100%;margin:.5em 0}</style></head>
<body><h1>yardtwin</h1>
<p>This twin asks for a viewer token before it shows the yard.</p>
{{if .Wrong}}<p role="alert"><strong>That token is not one of this twin's.</strong></p>{{end}}
<form method="post" action="/login"><label>Token <input name="token" type="password" autocomplete="current-password" autofocus></label>
<button type="submit">Sign in</button></form></body></html>
`))

// signIn answers the sign-in page with status; wrong says a token was tried and refused.
func (s *Server) signIn(w http.ResponseWriter, status int, wrong bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yardtwin"`)
	}
	w.WriteHeader(status)
	_ = signInPage.Execute(w, struct{ Wrong bool }{wrong})
}
