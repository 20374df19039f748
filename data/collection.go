package data

import (
	"encoding/json"
	"io"
	"strconv"
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
	dataset []byte // the member ,"dataset":{…}, or nothing
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
		b, _ := json.Marshal(d)
		c.dataset = append([]byte(`,"dataset":`), b...)
	}
	return c
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
	b := make([]byte, 0, 80+len(members)+len(c.dataset)+len(attributionKey))
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(res.Matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(res.Returned), 10)
	b = append(b, members...)
	b = append(b, c.dataset...)
	b = append(b, attributionKey...)
	_, c.err = c.w.Write(b)
	return c.err
}
