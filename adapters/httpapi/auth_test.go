package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	publisherToken = "pub-0123456789abcdef"
	viewerToken    = "view-0123456789abcdef"
)

// fixedProgress is a store at head with projections at projected.
type fixedProgress struct{ head, projected uint64 }

func (p fixedProgress) Head(context.Context) (uint64, error) { return p.head, nil }
func (p fixedProgress) Projected() uint64                    { return p.projected }

// newGuarded is a server with both kinds of tokens, a stand-in UI at / and a submitter that stores.
func newGuarded(cfg Config) *Server {
	cfg.Access = Access{PublisherTokens: []string{publisherToken}, ViewerTokens: []string{viewerToken}}
	return New(cfg, Deps{
		Submit:   &countingSubmitter{},
		Progress: fixedProgress{head: 3, projected: 3},
		Web:      http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("the map")) }),
	})
}

func TestTokens(t *testing.T) {
	s := newGuarded(Config{})
	tests := []struct {
		name       string
		giveMethod string
		givePath   string
		giveAuth   string // the Authorization header
		giveCookie string
		wantStatus int
		wantError  string // part of the JSON error, when refused
	}{
		{name: "post without token", giveMethod: "POST", givePath: "/api/v1/events", wantStatus: 401, wantError: "publisher token is required"},
		{name: "post with a viewer token", giveMethod: "POST", givePath: "/api/v1/events", giveAuth: "Bearer " + viewerToken, wantStatus: 403, wantError: "viewer token"},
		{name: "post with an unknown token", giveMethod: "POST", givePath: "/api/v1/events", giveAuth: "Bearer nope-0123456789abcdef", wantStatus: 401, wantError: "not a publisher token"},
		{name: "post with a basic header", giveMethod: "POST", givePath: "/api/v1/events", giveAuth: "Basic " + publisherToken, wantStatus: 401, wantError: "publisher token is required"},
		{name: "post with the publisher token", giveMethod: "POST", givePath: "/api/v1/events", giveAuth: "Bearer " + publisherToken, wantStatus: 202},
		{name: "DCSA with a viewer token", giveMethod: "POST", givePath: "/api/v1/dcsa/tnt/v3/events", giveAuth: "Bearer " + viewerToken, wantStatus: 403, wantError: "viewer token"},
		{name: "DCSA with the publisher token", giveMethod: "POST", givePath: "/api/v1/dcsa/tnt/v3/events", giveAuth: "bearer " + publisherToken, wantStatus: 202},
		{name: "post with the token in a cookie", giveMethod: "POST", givePath: "/api/v1/events", giveCookie: publisherToken, wantStatus: 401, wantError: "publisher token is required"},
		{name: "read without token", giveMethod: "GET", givePath: "/api/v1/schema", wantStatus: 401, wantError: "viewer token is required"},
		{name: "read with an unknown token", giveMethod: "GET", givePath: "/api/v1/schema", giveAuth: "Bearer nope-0123456789abcdef", wantStatus: 401, wantError: "not a viewer or publisher token"},
		{name: "read with the viewer token", giveMethod: "GET", givePath: "/api/v1/schema", giveAuth: "Bearer " + viewerToken, wantStatus: 200},
		{name: "read with the publisher token", giveMethod: "GET", givePath: "/api/v1/schema", giveAuth: "Bearer " + publisherToken, wantStatus: 200},
		{name: "read with the viewer cookie", giveMethod: "GET", givePath: "/api/v1/schema", giveCookie: viewerToken, wantStatus: 200},
		{name: "read with a wrong cookie", giveMethod: "GET", givePath: "/api/v1/schema", giveCookie: "nope-0123456789abcdef", wantStatus: 401},
		{name: "health is open", giveMethod: "GET", givePath: "/healthz", wantStatus: 200},
		{name: "readiness is open", giveMethod: "GET", givePath: "/readyz", wantStatus: 200},
		{name: "metrics are open", giveMethod: "GET", givePath: "/metrics", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.giveMethod, tt.givePath, strings.NewReader(`{"id":"a"}`))
			if tt.giveAuth != "" {
				req.Header.Set("Authorization", tt.giveAuth)
			}
			if tt.giveCookie != "" {
				req.AddCookie(&http.Cookie{Name: TokenCookie, Value: tt.giveCookie})
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d: %s", tt.giveMethod, tt.givePath, rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tt.wantError == "" {
				return
			}
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error, tt.wantError) {
				t.Fatalf("answer %s (%v), want an error with %q", rec.Body, err, tt.wantError)
			}
		})
	}
}

// TestSignIn follows a planner's browser: the map asks for a token, the form sets the cookie, and
// the map and the API then answer; a wrong token gets the form again.
func TestSignIn(t *testing.T) {
	srv := httptest.NewServer(newGuarded(Config{}))
	defer srv.Close()
	client := srv.Client()

	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 401 || !strings.Contains(body, `action="/login"`) {
		t.Fatalf("GET / without a token = %d %s, want 401 with the sign-in form", resp.StatusCode, body)
	}

	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.PostForm(srv.URL+"/login", map[string][]string{"token": {"nope-0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != 401 || !strings.Contains(body, "not one of this twin") || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong token: %d, cookies %v, %s", resp.StatusCode, resp.Cookies(), body)
	}

	resp, err = noRedirect.PostForm(srv.URL+"/login", map[string][]string{"token": {viewerToken}})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == TokenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
		t.Fatalf("cookie = %+v, want HttpOnly, SameSite=Strict, Path=/", cookie)
	}
	for _, path := range []string{"/", "/api/v1/schema"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.AddCookie(cookie)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != 200 {
			t.Fatalf("GET %s with the cookie = %d %s", path, resp.StatusCode, body)
		}
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		name       string
		giveRole   Role
		giveMethod string
		givePath   string
		wantStatus int
		wantError  string
	}{
		{name: "query refuses events", giveRole: RoleQuery, giveMethod: "POST", givePath: "/api/v1/events", wantStatus: 404, wantError: "--role query: it takes no events"},
		{name: "query refuses DCSA", giveRole: RoleQuery, giveMethod: "POST", givePath: "/api/v1/dcsa/tnt/v3/events", wantStatus: 404, wantError: "takes no events"},
		{name: "query serves schemas", giveRole: RoleQuery, giveMethod: "GET", givePath: "/api/v1/schema", wantStatus: 200},
		{name: "query is healthy", giveRole: RoleQuery, giveMethod: "GET", givePath: "/healthz", wantStatus: 200},
		{name: "ingest takes events", giveRole: RoleIngest, giveMethod: "POST", givePath: "/api/v1/events", wantStatus: 202},
		{name: "ingest answers no queries", giveRole: RoleIngest, giveMethod: "GET", givePath: "/api/v1/yard", wantStatus: 404, wantError: "--role ingest: it answers no queries"},
		{name: "ingest serves no map", giveRole: RoleIngest, giveMethod: "GET", givePath: "/", wantStatus: 404, wantError: "answers no queries"},
		{name: "ingest serves schemas", giveRole: RoleIngest, giveMethod: "GET", givePath: "/api/v1/schema", wantStatus: 200},
		{name: "ingest is ready without projections", giveRole: RoleIngest, giveMethod: "GET", givePath: "/readyz", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Config{Role: tt.giveRole}, Deps{
				Submit:   &countingSubmitter{},
				Progress: fixedProgress{head: 100_000, projected: 0}, // far behind: only ingest is ready
				Web:      http.NotFoundHandler(),
			})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(tt.giveMethod, tt.givePath, strings.NewReader(`{"id":"a"}`)))
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d: %s", tt.giveMethod, tt.givePath, rec.Code, tt.wantStatus, rec.Body)
			}
			var e errorBody
			if tt.wantError != "" && (json.Unmarshal(rec.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, tt.wantError)) {
				t.Fatalf("answer %s, want an error with %q", rec.Body, tt.wantError)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for give, want := range map[string]Role{"": RoleAll, "all": RoleAll, "Ingest": RoleIngest, " query ": RoleQuery} {
		if got, err := ParseRole(give); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", give, got, err, want)
		}
	}
	if _, err := ParseRole("reader"); err == nil || !strings.Contains(err.Error(), "not ingest, query or all") {
		t.Errorf("ParseRole(reader) = %v", err)
	}
}

// TestBodyLimit refuses a body over MaxBody with 413 and a reason, with a token or without.
func TestBodyLimit(t *testing.T) {
	s := New(Config{MaxBody: 64, Access: Access{PublisherTokens: []string{publisherToken}}}, Deps{Submit: &countingSubmitter{}})
	req := httptest.NewRequest("POST", "/api/v1/events", strings.NewReader(`{"id":"`+strings.Repeat("x", 100)+`"}`))
	req.Header.Set("Authorization", "Bearer "+publisherToken)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var e errorBody
	if rec.Code != http.StatusRequestEntityTooLarge || json.Unmarshal(rec.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "larger than 64 bytes") {
		t.Fatalf("big body = %d %s", rec.Code, rec.Body)
	}
}

func TestGrantIsConstantTimeOverAllTokens(t *testing.T) {
	g := newGate(Access{PublisherTokens: []string{"p1-aaaaaaaaaaaaaaaa", "p2-bbbbbbbbbbbbbbbb"}, ViewerTokens: []string{"v1-cccccccccccccccc", "p2-bbbbbbbbbbbbbbbb"}})
	tests := []struct {
		give string
		want grant
	}{
		{give: "p1-aaaaaaaaaaaaaaaa", want: grantPublisher},
		{give: "p2-bbbbbbbbbbbbbbbb", want: grantPublisher}, // in both lists: the stronger grant
		{give: "v1-cccccccccccccccc", want: grantViewer},
		{give: "v1-ccccccccccccccc", want: grantNone}, // a prefix is not the token
		{give: "", want: grantNone},
	}
	for _, tt := range tests {
		if got := g.grantOf(tt.give); got != tt.want {
			t.Errorf("grantOf(%q) = %d, want %d", tt.give, got, tt.want)
		}
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkTokenCheck is the cost of the token check on a read, against the same read without
// tokens configured (the baseline): a SHA-256 of the presented token and a constant-time comparison
// with each configured digest.
func BenchmarkTokenCheck(b *testing.B) {
	for _, bb := range []struct {
		name  string
		cfg   Config
		token string
	}{
		{name: "open", cfg: Config{}},
		{name: "viewer token of 10", cfg: Config{Access: Access{
			PublisherTokens: []string{publisherToken},
			ViewerTokens:    []string{"v1-0123456789abcdef", "v2-0123456789abcdef", "v3-0123456789abcdef", "v4-0123456789abcdef", "v5-0123456789abcdef", "v6-0123456789abcdef", "v7-0123456789abcdef", "v8-0123456789abcdef", "v9-0123456789abcdef", viewerToken},
		}}, token: viewerToken},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := New(bb.cfg, Deps{})
			req := httptest.NewRequest("GET", "/api/v1/schema/nothing.json", nil)
			if bb.token != "" {
				req.Header.Set("Authorization", "Bearer "+bb.token)
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusNotFound {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
