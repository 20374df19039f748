package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// sseEvent is one Server-Sent Event as a client reads it.
type sseEvent struct {
	id, event, data string
	comment         bool
}

// readEvents reads the events of an open stream into a channel.
func readEvents(res *http.Response) <-chan sseEvent {
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev != (sseEvent{}) {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.comment = true
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return out
}

func waitEvent(t *testing.T, events <-chan sseEvent, want func(sseEvent) bool, d time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if want(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no such event within %v", d)
		}
	}
}

func TestEvents(t *testing.T) {
	s, store, _ := newTestServer(t, nil)
	s.events.heartbeat = 200 * time.Millisecond
	ins := fixture(loadMDL(t))
	if _, err := store.Import(ins[:2], data.ImportOptions{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Listen(ln)
	base := "http://" + ln.Addr().String()
	open := func(lastID string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/api/events", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}

	res := open("")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != ContentTypeEventStream ||
		res.Header.Get("X-Accel-Buffering") != "no" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	events := readEvents(res)
	waitEvent(t, events, func(e sseEvent) bool { return e.comment }, 2*time.Second) // a heartbeat

	began := time.Now()
	if _, err := store.Create(ins[2], "test"); err != nil {
		t.Fatal(err)
	}
	ev := waitEvent(t, events, func(e sseEvent) bool { return e.event == "change" }, 3*time.Second)
	var ch data.Change
	if err := json.Unmarshal([]byte(ev.data), &ch); err != nil || ch.ID != ins[2].ID || ch.Action != data.ActionCreate || ev.id != "3" {
		t.Errorf("event %+v (%v), want the creation of %s with id 3", ev, err, ins[2].ID)
	}
	t.Logf("the change reached the stream %v after the write", time.Since(began).Round(time.Millisecond))

	// A client that resumes gets what it missed, in order.
	resumed := readEvents(open("1"))
	for _, want := range []string{"2", "3"} {
		ev := waitEvent(t, resumed, func(e sseEvent) bool { return e.event == "change" }, 2*time.Second)
		if ev.id != want {
			t.Errorf("resumed from 1: event id %s, want %s", ev.id, want)
		}
	}
	if err := store.Delete(ins[0].ID, "", "test"); err != nil {
		t.Fatal(err)
	}
	for _, stream := range []<-chan sseEvent{events, resumed} {
		ev := waitEvent(t, stream, func(e sseEvent) bool { return e.event == "change" }, 3*time.Second)
		if ev.id != "4" || !strings.Contains(ev.data, `"delete"`) {
			t.Errorf("after a delete: %+v", ev)
		}
	}

	// Bounds: two streams are open; the rest up to the bound may be, one
	// more is refused.
	for range maxStreamsPerClient - 2 {
		if res := open(""); res.StatusCode != http.StatusOK {
			t.Fatalf("a stream within the bound: %d", res.StatusCode)
		}
	}
	if res := open(""); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("stream %d from one client: %d, want 429", maxStreamsPerClient+1, res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/events", nil)
	req.Header.Set("Last-Event-ID", "x")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad Last-Event-ID: %v %v", res.StatusCode, err)
	}

	// Shutdown ends the streams instead of waiting for them.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	began = time.Now()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown with streams open: %v", err)
	}
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("Shutdown took %v with streams open", d)
	}
}
