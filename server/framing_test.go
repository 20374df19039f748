package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// smuggled is a second request sent right after a hostile one on the same
// connection: it must never be answered.
const smuggled = "GET /api/incidents/2017-11-13-jsa HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

// rawExchange writes req over a new connection to addr and reads until the
// server closes it (or 5 s pass), returning every answer it sent and
// whether it closed the connection.
func rawExchange(t *testing.T, addr, req string) (answers []response, closed bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	all, err := io.ReadAll(conn)
	closed = err == nil
	br := bufio.NewReader(bytes.NewReader(all))
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Close {
			res.Header.Set("Connection", "close")
		}
		answers = append(answers, response{res.StatusCode, res.Header, b})
	}
	return answers, closed
}

// TestFramingRefused sends requests whose framing RFC 9112 forbids or that
// a proxy in front may read differently, each followed by a smuggled
// request: each gets one 400 problem and the connection is closed, so the
// smuggled request is never answered.
func TestFramingRefused(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	addr := listen(t, s)
	const auth = "Authorization: Bearer " + hostileToken + "\r\n"
	post := "POST /api/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Type: application/geo+json\r\n"
	body := "5\r\nhello\r\n0\r\n\r\n"
	cases := []struct{ name, req string }{
		{"content-length and chunked", post + "Content-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\n" + body},
		{"chunked and content-length", post + "Transfer-Encoding: chunked\r\nContent-Length: 14\r\n\r\n" + body},
		{"two content-lengths", post + "Content-Length: 5\r\nContent-Length: 14\r\n\r\n" + body},
		{"two equal content-lengths", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"},
		{"content-length list", post + "Content-Length: 5, 14\r\n\r\n" + body},
		{"content-length plus", post + "Content-Length: +5\r\n\r\nhello"},
		{"xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n" + body},
		{"chunkedx", post + "Transfer-Encoding: chunkedx\r\n\r\n" + body},
		{"gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n" + body},
		{"identity", post + "Transfer-Encoding: identity\r\n\r\n" + body},
		{"Chunked", post + "Transfer-Encoding: Chunked\r\n\r\n" + body},
		{"two transfer-encodings", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + body},
		{"transfer-encoding on a GET", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n\r\n"},
		{"no host", "GET /healthz HTTP/1.1\r\n" + auth + "\r\n"},
		{"two hosts", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: example.org\r\n" + auth + "\r\n"},
		{"no version", "GET /healthz\r\nHost: 127.0.0.1\r\n" + auth + "\r\n"},
		{"no version, no headers", "GET /healthz\r\n\r\n"},
		{"unknown version", "GET /healthz HTTP/2.7\r\nHost: 127.0.0.1\r\n\r\n"},
		{"space before colon", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 5\r\n\r\nhello"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answers, closed := rawExchange(t, addr, tc.req+smuggled)
			if len(answers) == 0 {
				t.Fatalf("no answer")
			}
			checkProblem(t, answers[0], http.StatusBadRequest)
			if strings.Contains(string(answers[0].body), hostileToken) {
				t.Errorf("the answer echoes the token: %s", answers[0].body)
			}
			if len(answers) > 1 {
				t.Errorf("%d answers: the smuggled request was answered %d", len(answers), answers[1].status)
			}
			if !closed {
				t.Errorf("the connection was left open")
			}
			if answers[0].header.Get("Connection") != "close" {
				t.Errorf("Connection: %q, want close", answers[0].header.Get("Connection"))
			}
		})
	}
	// The same connection reused for good requests still serves both.
	answers, _ := rawExchange(t, addr, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"+
		"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
	if len(answers) != 2 || answers[0].status != http.StatusOK || answers[1].status != http.StatusOK {
		t.Errorf("two good pipelined requests: %d answers", len(answers))
	}
	// A good chunked POST is still read as one request.
	answers, _ = rawExchange(t, addr, post+"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+body)
	if len(answers) != 1 || answers[0].status != http.StatusBadRequest {
		t.Errorf("a chunked POST of a bad body: %d answers", len(answers))
	} else if !strings.Contains(string(answers[0].body), "malformed JSON") {
		t.Errorf("a chunked POST of a bad body was not read as a body: %s", answers[0].body)
	}
}

// TestEdgeErrorsEchoNothing sends requests fasthttp cannot read or that use
// a method the server does not implement, each carrying a token: each is a
// problem document with a fixed detail that quotes nothing of the request.
func TestEdgeErrorsEchoNothing(t *testing.T) {
	s, _, logs := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	addr := listen(t, s)
	const auth = "Authorization: Bearer " + hostileToken + "\r\n"
	const host = "Host: 127.0.0.1\r\n"
	cases := []struct {
		name, req string
		status    int
	}{
		{"NUL in a header value", "GET /healthz HTTP/1.1\r\n" + host + auth + "X-A: a\x00b\r\n\r\n", 400},
		{"DEL in a header value", "GET /healthz HTTP/1.1\r\n" + host + auth + "X-A: a\x7fb\r\n\r\n", 400},
		{"space in a header name", "GET /healthz HTTP/1.1\r\n" + host + auth + "X A: b\r\n\r\n", 400},
		{"no colon", "GET /healthz HTTP/1.1\r\n" + host + auth + "Just-a-name\r\n\r\n", 400},
		{"control byte in the method", "G\x01T /healthz HTTP/1.1\r\n" + host + auth + "\r\n", 400},
		{"extra whitespace", "GET  /healthz HTTP/1.1\r\n" + host + auth + "\r\n", 400},
		{"headers over the buffer", "GET /healthz HTTP/1.1\r\n" + host + auth + "X-Big: " + strings.Repeat("a", 9000) + "\r\n\r\n", 431},
		{"FOOBAR", "FOOBAR /api/incidents HTTP/1.1\r\n" + host + auth + "\r\n", 501},
		{"PROPFIND", "PROPFIND /api/incidents HTTP/1.1\r\n" + host + auth + "Content-Length: 0\r\n\r\n", 501},
		{"lowercase get", "get /healthz HTTP/1.1\r\n" + host + auth + "\r\n", 501},
		{"TRACE", "TRACE /api/incidents HTTP/1.1\r\n" + host + auth + "\r\n", 501},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answers, _ := rawExchange(t, addr, tc.req+smuggled)
			if len(answers) == 0 {
				t.Fatalf("no answer")
			}
			r := answers[0]
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != ContentTypeProblem {
				t.Errorf("Content-Type %q, want %q", ct, ContentTypeProblem)
			}
			var p struct {
				Status int
				Detail string
			}
			if err := json.Unmarshal(r.body, &p); err != nil || p.Status != tc.status || p.Detail == "" {
				t.Errorf("not a problem document of status %d: %v: %s", tc.status, err, r.body)
			}
			for _, secret := range []string{hostileToken, "Bearer", "Authorization", "buffer"} {
				if strings.Contains(strings.ToLower(string(r.body)), strings.ToLower(secret)) {
					t.Errorf("the answer quotes the request (%q): %s", secret, r.body)
				}
			}
			if r.header.Get("Content-Security-Policy") == "" {
				t.Errorf("the answer lacks the security headers")
			}
		})
	}
	if strings.Contains(logs.String(), hostileToken) {
		t.Errorf("the log holds the token")
	}
	if r := get(t, s, "/healthz"); r.status != http.StatusOK {
		t.Errorf("after the hostile requests /healthz answered %d", r.status)
	}
}
