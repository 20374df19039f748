package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ParseCQL2JSON parses a filter in the JSON encoding of CQL2.
func ParseCQL2JSON(b []byte) (*CQL2, error) {
	if len(b) > maxCQL2Len {
		return nil, &CQL2Error{"/", fmt.Sprintf("the filter is %d bytes long; the limit is %d", len(b), maxCQL2Len)}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		pos := "byte " + strconv.FormatInt(dec.InputOffset()+1, 10)
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			pos = "byte " + strconv.FormatInt(se.Offset, 10)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			pos = "byte " + strconv.Itoa(len(b)+1)
			err = errors.New("it ends early")
		}
		return nil, &CQL2Error{pos, "the filter is not JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &CQL2Error{"byte " + strconv.FormatInt(dec.InputOffset()+1, 10), "the filter has more than one JSON value"}
	}
	root, err := jsonBool(v, "", 0)
	if err != nil {
		return nil, err
	}
	return &CQL2{root}, nil
}

func jsonErr(ptr, format string, a ...any) error {
	if ptr == "" {
		ptr = "/"
	}
	return &CQL2Error{ptr, fmt.Sprintf(format, a...)}
}

func jsonBool(v any, ptr string, depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, jsonErr(ptr, "the filter is nested more than %d deep", maxCQL2Depth)
	}
	if b, ok := v.(bool); ok {
		return boolLit(b), nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr(ptr, "expected an object with op and args, or true or false")
	}
	op, _ := m["op"].(string)
	args, isList := m["args"].([]any)
	if op == "" || !isList {
		return nil, jsonErr(ptr, "expected an object with op (a string) and args (an array)")
	}
	argPtr := func(i int) string { return ptr + "/args/" + strconv.Itoa(i) }
	want := func(n int) error {
		if len(args) != n {
			return jsonErr(ptr+"/args", "%s takes %d arguments, not %d", op, n, len(args))
		}
		return nil
	}
	operands := func(n int) ([]node, error) {
		if err := want(n); err != nil {
			return nil, err
		}
		out := make([]node, len(args))
		for i, a := range args {
			n, err := jsonOperand(a, argPtr(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	lop := strings.ToLower(op)
	switch {
	case lop == "and" || lop == "or":
		if len(args) < 2 {
			return nil, jsonErr(ptr+"/args", "%s takes 2 or more arguments, not %d", op, len(args))
		}
		out := boolOp{and: lop == "and"}
		for i, a := range args {
			n, err := jsonBool(a, argPtr(i), depth+1)
			if err != nil {
				return nil, err
			}
			out.args = append(out.args, n)
		}
		return out, nil
	case lop == "not":
		if err := want(1); err != nil {
			return nil, err
		}
		n, err := jsonBool(args[0], argPtr(0), depth+1)
		return notOp{n}, err
	case contains([]string{"=", "<>", "<", "<=", ">", ">="}, op):
		ns, err := operands(2)
		if err != nil {
			return nil, err
		}
		return cmpOp{op, ns[0], ns[1]}, nil
	case lop == "like":
		ns, err := operands(2)
		if err != nil {
			return nil, err
		}
		return likeOp{ns[0], ns[1]}, nil
	case lop == "between":
		ns, err := operands(3)
		if err != nil {
			return nil, err
		}
		return betweenOp{ns[0], ns[1], ns[2]}, nil
	case lop == "in":
		if err := want(2); err != nil {
			return nil, err
		}
		x, err := jsonOperand(args[0], argPtr(0), depth+1)
		if err != nil {
			return nil, err
		}
		list, ok := args[1].([]any)
		if !ok || len(list) == 0 {
			return nil, jsonErr(argPtr(1), "expected the array of values of in")
		}
		out := inOp{x: x}
		for i, a := range list {
			n, err := jsonOperand(a, argPtr(1)+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			out.list = append(out.list, n)
		}
		return out, nil
	case lop == "isnull":
		ns, err := operands(1)
		if err != nil {
			return nil, err
		}
		return isNullOp{ns[0]}, nil
	case contains(spatialOps, lop) || contains(temporalOps, lop):
		ns, err := operands(2)
		if err != nil {
			return nil, err
		}
		if contains(spatialOps, lop) {
			return spatialOp{lop, ns[0], ns[1]}, nil
		}
		return temporalOp{lop, ns[0], ns[1]}, nil
	}
	return nil, jsonErr(ptr+"/op", "%q is not an operator of this service: the operators are and, or, not, =, <>, <, <=, >, >=, like, between, in, isNull, s_intersects, %s",
		op, strings.Join(temporalOps, ", "))
}

func jsonOperand(v any, ptr string, depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, jsonErr(ptr, "the filter is nested more than %d deep", maxCQL2Depth)
	}
	switch x := v.(type) {
	case string:
		return strLit(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, jsonErr(ptr, "%s is not a number", x)
		}
		return numLit(f), nil
	case bool:
		return boolLit(x), nil
	case nil:
		return nil, jsonErr(ptr, "null is not a value: test for it with isNull")
	case map[string]any:
		if name, ok := x["property"].(string); ok {
			return property{name}, nil
		}
		if s, ok := x["date"].(string); ok {
			day, ok := parseTemporal(s, true)
			if !ok {
				return nil, jsonErr(ptr+"/date", "%q is not a date like 2017-11-13", s)
			}
			return dateLit{day}, nil
		}
		if s, ok := x["timestamp"].(string); ok {
			day, ok := parseTemporal(s, false)
			if !ok {
				return nil, jsonErr(ptr+"/timestamp", "%q is not a timestamp like 2017-11-13T10:00:00Z", s)
			}
			return timeLit{day}, nil
		}
		if iv, ok := x["interval"].([]any); ok {
			if len(iv) != 2 {
				return nil, jsonErr(ptr+"/interval", "an interval has 2 ends, not %d", len(iv))
			}
			ends := [2]int{minDay, maxDay}
			for i, e := range iv {
				if m, ok := e.(map[string]any); ok { // {"date": …} or {"timestamp": …}
					for _, k := range []string{"date", "timestamp"} {
						if s, ok := m[k].(string); ok {
							e = s
						}
					}
				}
				s, ok := e.(string)
				if !ok {
					return nil, jsonErr(ptr+"/interval/"+strconv.Itoa(i), "expected a date, a timestamp or \"..\"")
				}
				if s != ".." {
					day, ok := parseTemporal(s, false)
					if !ok {
						return nil, jsonErr(ptr+"/interval/"+strconv.Itoa(i), "%q is not a date, a timestamp or \"..\"", s)
					}
					ends[i] = day
				}
			}
			if ends[0] > ends[1] {
				return nil, jsonErr(ptr+"/interval", "the interval starts after it ends")
			}
			return interval{ends[0], ends[1]}, nil
		}
		if bb, ok := x["bbox"].([]any); ok {
			c := make([]float64, 0, len(bb))
			for i, e := range bb {
				n, ok := e.(json.Number)
				f, err := n.Float64()
				if !ok || err != nil {
					return nil, jsonErr(ptr+"/bbox/"+strconv.Itoa(i), "expected a number")
				}
				c = append(c, f)
			}
			if len(c) == 6 {
				c = []float64{c[0], c[1], c[3], c[4]}
			}
			if len(c) != 4 || c[1] > c[3] {
				return nil, jsonErr(ptr+"/bbox", "expected 4 numbers west, south, east, north (or 6), south below north")
			}
			if c[0] > c[2] {
				return geomLit{orb.MultiPolygon{orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{180, c[3]}}.ToPolygon(),
					orb.Bound{Min: orb.Point{-180, c[1]}, Max: orb.Point{c[2], c[3]}}.ToPolygon()}}, nil
			}
			return geomLit{orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{c[2], c[3]}}}, nil
		}
		if typ, ok := x["type"].(string); ok {
			g, err := jsonGeometry(typ, x["coordinates"])
			if err != nil {
				return nil, jsonErr(ptr+"/coordinates", "%s", err.Error())
			}
			return geomLit{g}, nil
		}
	}
	return nil, jsonErr(ptr, "expected a property ({\"property\": name}), a string, a number, a boolean, a date, a timestamp, an interval, a bbox or a GeoJSON geometry")
}
