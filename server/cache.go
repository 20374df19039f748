package server

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Cache-Control values by kind of route.
const (
	cacheRevalidate = "no-cache"                            // may be stored, must be revalidated: data, the page
	cacheImmutable  = "public, max-age=31536000, immutable" // versioned assets
	cacheNever      = "no-store"                            // backups, health, metrics
)

// bootID tells ETags of this process from those of a database restored or
// replaced while the server was down, whose change counter may repeat.
var bootID = strconv.FormatInt(time.Now().UnixNano(), 36)

// dataETag is the weak entity tag of every data answer at one change count:
// any write makes every earlier one stale. Weak, since the same data is
// sent gzip-, brotli- or not compressed.
func dataETag(changes uint64) string {
	return `W/"` + strconv.FormatUint(changes, 10) + "-" + bootID + `"`
}

// etagMatch reports whether an If-None-Match header names etag; weak
// comparison, as RFC 9110 asks for If-None-Match.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

func notModified(c *fiber.Ctx) error {
	c.Response().ResetBody()
	c.Response().Header.Del(fiber.HeaderContentType)
	c.Response().Header.Del(fiber.HeaderContentDisposition)
	return c.SendStatus(fiber.StatusNotModified)
}

// HeaderDatasetVersion is the header of every answer from the data routes
// that says which version of the dataset the store holds (see data.Dataset).
const HeaderDatasetVersion = "Dataset-Version"

// handleCache answers conditional GETs of the data routes from the
// database's change counter, before any work, and gives every GET answer
// its ETag, Last-Modified and Cache-Control. A handler that sets its own
// ETag (one incident's content hash) is answered 304 after it runs.
func (s *Server) handleCache(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	p := c.Path()
	data := strings.HasPrefix(p, "/api/") || p == "/ogc" || strings.HasPrefix(p, "/ogc/")
	if !data || p == "/api/backup" || p == "/api/events" {
		if err := c.Next(); err != nil {
			return err
		}
		if c.Response().Header.Peek(fiber.HeaderCacheControl) == nil {
			c.Set(fiber.HeaderCacheControl, cacheNever)
		}
		return s.checkOwnETag(c)
	}
	v, err := s.store.Version()
	if err != nil {
		return c.Next()
	}
	vh := s.versionHeaders(v)
	etag := vh.etag
	if !v.Dataset.IsZero() {
		c.Set(HeaderDatasetVersion, v.Dataset.Version)
	}
	h := &c.Response().Header
	h.SetCanonical(headerCacheControl, cacheRevalidateBytes)
	h.SetCanonical(headerVary, varyData)
	if vh.lastModified != "" {
		h.SetCanonical(headerLastModified, vh.lastModifiedBytes)
	}
	inm := c.Get(fiber.HeaderIfNoneMatch)
	if etagMatch(inm, etag) || (inm == "" && notModifiedSince(c.Get(fiber.HeaderIfModifiedSince), v.Modified)) {
		c.Set(fiber.HeaderETag, etag)
		return notModified(c)
	}
	// The OGC routes answer HTML or JSON by the Accept header, with
	// absolute links to the host the client asked.
	var key string
	if !s.answers.off {
		key = c.BaseURL() + c.OriginalURL() + "\x00" + c.Get(fiber.HeaderAccept)
	}
	if a, ok := s.answers.get(v.Changes, key); ok {
		c.Set(fiber.HeaderContentType, a.contentType)
		c.Set(fiber.HeaderETag, cmp.Or(a.etag, etag))
		c.Response().SetBodyRaw(a.body)
		c.Locals(routeKey, a.route)
		return s.checkOwnETag(c)
	}
	if err := c.Next(); err != nil || c.Response().StatusCode() != fiber.StatusOK {
		c.Response().Header.Del(fiber.HeaderLastModified)
		return err
	}
	own := string(c.Response().Header.Peek(fiber.HeaderETag))
	if !s.answers.off && !c.Response().IsBodyStream() && c.Response().Header.Peek(fiber.HeaderContentDisposition) == nil {
		s.answers.put(v.Changes, key, answer{
			body:        bytes.Clone(c.Response().Body()),
			contentType: string(c.Response().Header.ContentType()),
			etag:        own,
			route:       routeLabel(c),
		})
	}
	if own == "" {
		c.Response().Header.SetCanonical(headerETag, vh.etagBytes)
		return nil
	}
	return s.checkOwnETag(c)
}

// versionHeaders are the ETag and Last-Modified of the data answers at
// one Version, written once for all its requests.
type versionHeaders struct {
	changes      uint64
	modified     time.Time
	etag         string
	lastModified string // "" when the time of the last change is unknown

	etagBytes, lastModifiedBytes []byte
}

// The headers handleCache sets on every data answer, as the bytes
// fasthttp's SetCanonical takes: keys normalised as Set would.
var (
	headerCacheControl   = fasthttp.AppendNormalizedHeaderKey(nil, fiber.HeaderCacheControl)
	headerVary           = fasthttp.AppendNormalizedHeaderKey(nil, fiber.HeaderVary)
	headerLastModified   = fasthttp.AppendNormalizedHeaderKey(nil, fiber.HeaderLastModified)
	headerETag           = fasthttp.AppendNormalizedHeaderKey(nil, fiber.HeaderETag)
	cacheRevalidateBytes = []byte(cacheRevalidate)
	varyData             = []byte("Accept, Accept-Encoding")
)

// versionHeaders returns the headers of v, kept from the last request
// while they are v's.
func (s *Server) versionHeaders(v data.Version) *versionHeaders {
	if vh := s.lastVersion.Load(); vh != nil && vh.changes == v.Changes && vh.modified.Equal(v.Modified) {
		return vh
	}
	vh := &versionHeaders{changes: v.Changes, modified: v.Modified, etag: dataETag(v.Changes)}
	vh.etagBytes = []byte(vh.etag)
	if !v.Modified.IsZero() {
		vh.lastModified = v.Modified.UTC().Format(http.TimeFormat)
		vh.lastModifiedBytes = []byte(vh.lastModified)
	}
	s.lastVersion.Store(vh)
	return vh
}

// answer is a data answer kept in memory for the next request of the same
// URL at the same change count.
type answer struct {
	body        []byte
	contentType string
	etag        string // the handler's own ETag, if it set one
	route       string // the route pattern it was made by, for the metrics
}

// Bounds of the answer cache: a spike of readers of the same few URLs is
// served from memory; the cache empties when it is full or the data change.
const (
	maxAnswersBytes = 64 << 20
	maxAnswerBytes  = 2 << 20
)

// answerCache keeps whole data answers by URL for one change count.
type answerCache struct {
	off     bool // for benchmarks of the query path
	mu      sync.Mutex
	changes uint64
	size    int
	byURL   map[string]answer
}

func (ac *answerCache) get(changes uint64, url string) (answer, bool) {
	if ac.off {
		return answer{}, false
	}
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.changes != changes {
		return answer{}, false
	}
	a, ok := ac.byURL[url]
	return a, ok
}

func (ac *answerCache) put(changes uint64, url string, a answer) {
	if ac.off || len(a.body) > maxAnswerBytes {
		return
	}
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.changes != changes || ac.size+len(a.body) > maxAnswersBytes || ac.byURL == nil {
		ac.changes, ac.size, ac.byURL = changes, 0, map[string]answer{}
	}
	if old, ok := ac.byURL[url]; ok {
		ac.size -= len(old.body)
	}
	ac.byURL[url] = a
	ac.size += len(a.body)
}

func (s *Server) checkOwnETag(c *fiber.Ctx) error {
	own := string(c.Response().Header.Peek(fiber.HeaderETag))
	if own != "" && c.Response().StatusCode() == fiber.StatusOK && etagMatch(c.Get(fiber.HeaderIfNoneMatch), own) {
		return notModified(c)
	}
	return nil
}

func notModifiedSince(header string, modified time.Time) bool {
	if header == "" || modified.IsZero() {
		return false
	}
	t, err := http.ParseTime(header)
	return err == nil && !modified.Truncate(time.Second).After(t)
}

// assetVersion hashes every file of the page, so that a new build gets new
// asset URLs and old ones may be cached for good.
func assetVersion(assets fs.FS) string {
	h := sha256.New()
	fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(assets, p)
		if err == nil {
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}
