package data

import (
	"encoding/json"
	"io"
	"strconv"
	"sync/atomic"
)

var (
	collectionHead = []byte(`{"type":"FeatureCollection","features":[`)
	attributionKey = []byte(`,"attribution":` + strconv.Quote(CollectionAttribution) + `}`)
)

// CollectionWriter writes a GeoJSON FeatureCollection of Feature bytes to
// a writer: the features as they come, then the counts (known only at the
// end), the members the caller adds, the dataset's version and the
// attribution. The first write error stops every later write and is
// returned by each call after it.
type CollectionWriter struct {
	w       io.Writer
	n       int
	err     error
	dataset []byte   // the member ,"dataset":{…}, or nothing
	counts  [80]byte // EndWith's numbers, written here
}

// NewCollectionWriter starts a FeatureCollection on w.
func NewCollectionWriter(w io.Writer) *CollectionWriter {
	c := &CollectionWriter{w: w}
	_, c.err = w.Write(collectionHead)
	return c
}

// WithDataset makes the collection say, in its member "dataset", which
// version of the dataset it holds (nothing for the zero Dataset).
func (c *CollectionWriter) WithDataset(d Dataset) *CollectionWriter {
	if !d.IsZero() {
		c.dataset = datasetMember(d)
	}
	return c
}

// lastDataset is the member of the last Dataset datasetMember wrote: the
// same for every answer until the dataset changes.
var lastDataset atomic.Pointer[struct {
	d      Dataset
	member []byte
}]

// datasetMember returns ,"dataset":{…} for d; the caller must not change it.
func datasetMember(d Dataset) []byte {
	if last := lastDataset.Load(); last != nil && last.d == d {
		return last.member
	}
	b, _ := json.Marshal(d)
	member := append([]byte(`,"dataset":`), b...)
	lastDataset.Store(&struct {
		d      Dataset
		member []byte
	}{d, member})
	return member
}

// Add writes one feature; its error stops a store scan.
func (c *CollectionWriter) Add(feature []byte) error {
	if c.err != nil {
		return c.err
	}
	if c.n > 0 {
		_, c.err = c.w.Write([]byte{','})
	}
	if c.err == nil {
		_, c.err = c.w.Write(feature)
	}
	c.n++
	return c.err
}

// Appended counts n features that were appended to the writer's buffer
// without Add, comma-separated after any Add wrote (as Store.AppendQuery
// does into a response body).
func (c *CollectionWriter) Appended(n int) { c.n += n }

// Len is how many features the collection holds so far.
func (c *CollectionWriter) Len() int { return c.n }

// Err is the first write error, or nil.
func (c *CollectionWriter) Err() error { return c.err }

// End closes the collection with the counts of res.
func (c *CollectionWriter) End(res Result) error { return c.EndWith(res, nil) }

// EndWith closes the collection with the counts of res and then members,
// the bytes of more members (each as ,"name":value).
func (c *CollectionWriter) EndWith(res Result, members []byte) error {
	if c.err != nil {
		return c.err
	}
	b := append(c.counts[:0], `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(res.Matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(res.Returned), 10)
	for _, part := range [...][]byte{b, members, c.dataset, attributionKey} {
		if c.err == nil && len(part) > 0 {
			_, c.err = c.w.Write(part)
		}
	}
	return c.err
}
