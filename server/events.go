package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// The event stream's settings.
const (
	// maxStreamsPerClient bounds the open event streams of one client
	// address; more get a 429. A newsroom behind one address opens many
	// pages; a stream closed by its reader is noticed at the next
	// heartbeat.
	maxStreamsPerClient = 32
	// maxStreams bounds the open event streams of the whole server.
	maxStreams = 2000
	// maxBacklog is the most past changes a resumed stream is sent; a
	// client further behind is told to reload.
	maxBacklog = 1000
	// eventPoll is how often the hub looks for new changes.
	eventPoll = 500 * time.Millisecond
	// heartbeat is how often an idle stream gets a comment, so that
	// proxies and clients see it alive.
	heartbeat = 10 * time.Second
	// ContentTypeEventStream is the media type of Server-Sent Events.
	ContentTypeEventStream = "text/event-stream; charset=utf-8"
)

// eventHub polls the change log and hands each new change to every open
// stream.
type eventHub struct {
	log       changeLog
	poll      time.Duration
	heartbeat time.Duration

	start sync.Once
	done  chan struct{} // closed at shutdown: every stream ends
	stop  sync.Once

	mu       sync.Mutex
	streams  map[chan data.Change]string // → client address
	perIP    map[string]int
	lastSeen uint64
}

func newEventHub(log changeLog) *eventHub {
	return &eventHub{log: log, poll: eventPoll, heartbeat: heartbeat, done: make(chan struct{}),
		streams: map[chan data.Change]string{}, perIP: map[string]int{}}
}

// close ends every stream.
func (h *eventHub) close() { h.stop.Do(func() { close(h.done) }) }

// subscribe opens a stream for a client, or refuses it past the bounds.
func (h *eventHub) subscribe(ip string) (chan data.Change, error) {
	h.start.Do(func() {
		h.lastSeen, _ = h.log.LastChange()
		go h.run()
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perIP[ip] >= maxStreamsPerClient {
		return nil, fiber.NewError(fiber.StatusTooManyRequests, fmt.Sprintf(
			"%s already has %d event streams open, the most one client may: close one first", ip, maxStreamsPerClient))
	}
	if len(h.streams) >= maxStreams {
		return nil, &data.Error{Kind: data.KindUnavailable, Message: "too many event streams are open: try again later"}
	}
	ch := make(chan data.Change, 256)
	h.streams[ch] = ip
	h.perIP[ip]++
	return ch, nil
}

func (h *eventHub) unsubscribe(ch chan data.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ip, ok := h.streams[ch]; ok {
		delete(h.streams, ch)
		if h.perIP[ip]--; h.perIP[ip] == 0 {
			delete(h.perIP, ip)
		}
	}
}

// run polls the change log until shutdown.
func (h *eventHub) run() {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-t.C:
		}
		last, err := h.log.LastChange()
		if err != nil || last <= h.lastSeen {
			continue
		}
		changes, err := h.log.Changes(h.lastSeen, 0)
		if err != nil {
			continue
		}
		h.lastSeen = last
		h.mu.Lock()
		for ch := range h.streams {
			for _, c := range changes {
				select {
				case ch <- c:
				default: // a stream this far behind resumes from its last id
				}
			}
		}
		h.mu.Unlock()
	}
}

// writeEvent writes one change as an event whose id is its sequence
// number.
func writeEvent(w *bufio.Writer, c data.Change) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "id: %d\nevent: change\ndata: %s\n\n", c.Seq, b)
	return w.Flush()
}

// GET /api/events
//
// Server-Sent Events of every logged change: created, updated and deleted
// incidents, each with the change log's sequence number as its id. A
// client that reconnects with Last-Event-ID first gets the changes it
// missed.
func (s *Server) handleEvents(c *fiber.Ctx) error {
	if s.events == nil {
		return &data.Error{Kind: data.KindNotFound, Message: "this server keeps no change log to stream"}
	}
	for k := range c.Queries() {
		return data.InvalidParams(data.ParamError(k, "is not a parameter of /api/events, which takes none (resume with the header Last-Event-ID)"))
	}
	var after uint64
	resume := strings.TrimSpace(c.Get("Last-Event-ID"))
	if resume != "" {
		n, err := strconv.ParseUint(resume, 10, 64)
		if err != nil {
			return &data.Error{Kind: data.KindInvalid, Message: "the header Last-Event-ID " + quote(resume) + " is not an event id: ids are whole numbers, as the stream sent them",
				Fields: []data.FieldError{{Field: "Last-Event-ID", Message: "not a whole number"}}}
		}
		after = n
	}
	ch, err := s.events.subscribe(c.IP())
	if err != nil {
		return err
	}
	var backlog []data.Change
	reset := false
	if resume != "" {
		if backlog, err = s.events.log.Changes(after, maxBacklog+1); err != nil {
			s.events.unsubscribe(ch)
			return err
		}
		if len(backlog) > maxBacklog {
			backlog, reset = nil, true
		}
	}
	c.Set(fiber.HeaderContentType, ContentTypeEventStream)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	hub := s.events
	beat := hub.heartbeat
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer hub.unsubscribe(ch)
		sent := after
		fmt.Fprint(w, "retry: 3000\n\n")
		if reset {
			fmt.Fprint(w, "event: reset\ndata: {\"reason\":\"more changes were missed than a stream resends: reload\"}\n\n")
		}
		if w.Flush() != nil {
			return
		}
		for _, c := range backlog {
			if writeEvent(w, c) != nil {
				return
			}
			sent = c.Seq
		}
		t := time.NewTicker(beat)
		defer t.Stop()
		for {
			select {
			case <-hub.done:
				return
			case c := <-ch:
				if c.Seq <= sent {
					continue
				}
				if writeEvent(w, c) != nil {
					return
				}
				sent = c.Seq
			case <-t.C:
				fmt.Fprint(w, ": heartbeat\n\n")
				if w.Flush() != nil {
					return
				}
			}
		}
	})
	return nil
}
