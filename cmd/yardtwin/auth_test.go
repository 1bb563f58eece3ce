package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	testPublisherToken = "pub-token-0123456789abcdef"
	testViewerToken    = "view-token-0123456789abcdef"
)

// send makes a request with an optional bearer token and returns the status and the body.
func send(t *testing.T, client *http.Client, method, url, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTokensOnARunningTwin: with publisher and viewer tokens set, posting needs a publisher token,
// reading needs either, probes stay open, and too large a body is refused before it is read.
func TestTokensOnARunningTwin(t *testing.T) {
	base := runApp(t, serveFlags{
		Data: t.TempDir(), MaxBody: 64 << 10, Clock: onTestDay,
		PublisherTokens: []string{testPublisherToken}, ViewerTokens: []string{testViewerToken},
	})
	at := testDay
	event := stackEvent("auth-1", box("AUT", 1), 0, at)
	big := bytes.Repeat(append(append([]byte{}, event...), '\n'), 64<<10/len(event)+1)
	tests := []struct {
		name       string
		giveMethod string
		givePath   string
		giveToken  string
		giveBody   []byte
		wantStatus int
		wantBody   string
	}{
		{name: "post without a token", giveMethod: "POST", givePath: "api/v1/events", giveBody: event, wantStatus: 401, wantBody: "publisher token is required"},
		{name: "post with the viewer token", giveMethod: "POST", givePath: "api/v1/events", giveToken: testViewerToken, giveBody: event, wantStatus: 403, wantBody: "viewer token"},
		{name: "post with a wrong token", giveMethod: "POST", givePath: "api/v1/events", giveToken: "wrong-token-0123456789", giveBody: event, wantStatus: 401, wantBody: "not a publisher token"},
		{name: "post with the publisher token", giveMethod: "POST", givePath: "api/v1/events", giveToken: testPublisherToken, giveBody: event, wantStatus: 202, wantBody: `"stored":1`},
		{name: "post too much", giveMethod: "POST", givePath: "api/v1/events", giveToken: testPublisherToken, giveBody: big, wantStatus: 413, wantBody: "larger than 65536 bytes"},
		{name: "DCSA without a token", giveMethod: "POST", givePath: "api/v1/dcsa/tnt/v3/events", giveBody: []byte(`{}`), wantStatus: 401, wantBody: "publisher token is required"},
		{name: "read without a token", giveMethod: "GET", givePath: "api/v1/yard", wantStatus: 401, wantBody: "viewer token is required"},
		{name: "read with a wrong token", giveMethod: "GET", givePath: "api/v1/containers/" + string(box("AUT", 1)), giveToken: "wrong-token-0123456789", wantStatus: 401},
		{name: "read with the viewer token", giveMethod: "GET", givePath: "api/v1/containers/" + string(box("AUT", 1)), giveToken: testViewerToken, wantStatus: 200, wantBody: `"where":"yard"`},
		{name: "read with the publisher token", giveMethod: "GET", givePath: "api/v1/yard", giveToken: testPublisherToken, wantStatus: 200, wantBody: `"in_yard":1`},
		{name: "stream without a token", giveMethod: "GET", givePath: "api/v1/stream", wantStatus: 401},
		{name: "health is open", giveMethod: "GET", givePath: "healthz", wantStatus: 200},
		{name: "readiness is open", giveMethod: "GET", givePath: "readyz", wantStatus: 200},
		{name: "metrics are open", giveMethod: "GET", givePath: "metrics", wantStatus: 200, wantBody: "yardtwin_events_stored_total 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.giveMethod == "GET" && strings.HasPrefix(tt.givePath, "api/v1/") && tt.wantStatus == 200 {
				waitProjected(t, base) // health stays open
			}
			status, body := send(t, http.DefaultClient, tt.giveMethod, base+tt.givePath, tt.giveToken, tt.giveBody)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("%s /%s = %d %.300s; want %d with %q", tt.giveMethod, tt.givePath, status, body, tt.wantStatus, tt.wantBody)
			}
			if status >= 400 && !json.Valid([]byte(body)) {
				t.Fatalf("error body is not JSON: %s", body)
			}
		})
	}
}

// TestMapWithViewerTokens follows a planner's browser when reads need a token: the map answers with
// a sign-in form, the token is taken once, and the map, its API calls and the live stream (an
// EventSource, which cannot send headers) then work on the cookie.
func TestMapWithViewerTokens(t *testing.T) {
	base := runApp(t, serveFlags{
		Data: t.TempDir(), Clock: onTestDay,
		PublisherTokens: []string{testPublisherToken}, ViewerTokens: []string{testViewerToken},
	})
	at := testDay
	if status, body := send(t, http.DefaultClient, "POST", base+"api/v1/events", testPublisherToken, stackEvent("map-1", box("MAP", 1), 0, at)); status != 202 {
		t.Fatalf("POST = %d %s", status, body)
	}

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	req, _ := http.NewRequest("GET", base, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(page), `<form method="post" action="/login">`) {
		t.Fatalf("GET / = %d, want the sign-in form: %.300s", resp.StatusCode, page)
	}

	resp, err = browser.PostForm(base+"login", url.Values{"token": {testViewerToken}}) // follows the 303 to /
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(page)), "<html") {
		t.Fatalf("map after sign-in = %d %.200s", resp.StatusCode, page)
	}
	if status, body := send(t, browser, "GET", base+"api/v1/yard", "", nil); status != 200 {
		t.Fatalf("API with the cookie = %d %s", status, body)
	}
	if status, _ := send(t, browser, "POST", base+"api/v1/events", "", stackEvent("map-2", box("MAP", 2), 1, at)); status != 401 {
		t.Fatalf("POST with only the viewer cookie = %d, want 401", status)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, "GET", base+"api/v1/stream?from=1", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if stream.StatusCode != 200 {
		t.Fatalf("stream with the cookie = %d", stream.StatusCode)
	}
	lines := bufio.NewScanner(stream.Body)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "data:") {
			if !strings.Contains(lines.Text(), `"id":"map-1"`) {
				t.Fatalf("first streamed event: %s", lines.Text())
			}
			return
		}
	}
	t.Fatalf("the stream ended without an event: %v", lines.Err())
}
