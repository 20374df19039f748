package data

import (
	"fmt"
	"strings"
	"sync"
)

// How ParseFilter takes in the parameters: each known name's place in a
// table of raw values, kept in a pooled filterParse between requests.

// The parameters ParseFilter reads, by their place in its table of values.
const (
	pYear = iota
	pFrom
	pTo
	pType
	pDirection
	pSector
	pBBox
	pQ
	pDatetime
	pFilter
	pFilterLang
	pFilterCRS
	pSortBy
	pProperties
	pLimit
	pOffset
	pKm
	pFormat
	nParams
)

// param returns the place of the parameter name among those sp accepts,
// or -1 when sp does not accept it.
func (sp *FilterSpec) param(name []byte) int {
	if sp.Format != "" && string(name) == sp.Format {
		return pFormat
	}
	p := -1
	switch string(name) {
	case "year":
		p = pYear
	case "from":
		p = pFrom
	case "to":
		p = pTo
	case "q":
		p = pQ
	case "km":
		p = pKm
	case "type":
		return pType
	case "direction":
		return pDirection
	case "sector":
		return pSector
	case "bbox":
		return pBBox
	case "datetime":
		p = pDatetime
	case "filter":
		p = pFilter
	case "filter-lang":
		p = pFilterLang
	case "filter-crs":
		p = pFilterCRS
	case "sortby":
		p = pSortBy
	case "properties":
		p = pProperties
	case "limit":
		p = pLimit
	case "offset":
		p = pOffset
	}
	switch p {
	case pYear, pFrom, pTo, pQ, pKm:
		if sp.OGC {
			return -1
		}
	case pDatetime, pFilter, pFilterLang, pFilterCRS, pSortBy, pProperties:
		if !sp.OGC {
			return -1
		}
	case pLimit, pOffset:
		if !sp.Paging {
			return -1
		}
	}
	return p
}

// filterParse is what ParseFilter keeps while it reads the parameters: a
// value kept from one request to the next, so that reading them allocates
// nothing.
type filterParse struct {
	sp       FilterSpec
	errs     []FieldError
	unknown  int
	bboxCRS  int
	given    [nParams]uint8
	raw      [nParams][]byte
	unknowns map[string]bool // made at the first unknown parameter
	visit    func(k, v []byte)
}

var filterParses = sync.Pool{New: func() any {
	fp := new(filterParse)
	fp.visit = fp.add
	return fp
}}

// release forgets the request and puts fp back for the next.
func (fp *filterParse) release() {
	visit := fp.visit
	*fp = filterParse{visit: visit}
	filterParses.Put(fp)
}

// add takes in one parameter.
func (fp *filterParse) add(k, v []byte) {
	sp := &fp.sp
	i := sp.param(k)
	switch {
	case i < 0 && sp.OGC && string(k) == "bbox-crs":
		if fp.bboxCRS++; fp.bboxCRS == 1 {
			fp.errs = append(fp.errs, ParamError("bbox-crs", "is not implemented: bbox is always in CRS84 (longitude, latitude in degrees, WGS 84); leave bbox-crs out"))
		}
	case i < 0:
		if fp.unknowns == nil {
			fp.unknowns = map[string]bool{}
		}
		if name := string(k); !fp.unknowns[name] {
			fp.unknowns[name] = true
			if fp.unknown++; fp.unknown <= MaxUnknown {
				fp.errs = append(fp.errs, ParamError(DisplayName(name),
					fmt.Sprintf("is not a parameter of %s; its parameters are %s", sp.Route, strings.Join(sp.Names(), ", "))))
			}
		}
	default:
		if fp.given[i] < 3 {
			fp.given[i]++
		}
		switch fp.given[i] {
		case 1:
			fp.raw[i] = v
		case 2:
			fp.errs = append(fp.errs, ParamError(string(k), "is given more than once; give it once (a list is comma-separated, e.g. type=crossing,shooting)"))
		}
	}
}
