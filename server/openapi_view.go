package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// apiView is the OpenAPI document as a page.
type apiView struct {
	Description []string // paragraphs
	License     string
	Schemes     []string
	Operations  []opView
}

type opView struct {
	Anchor, Method, Path, Summary, Description, Tag string
	Secured                                         bool
	Params                                          []paramView
	Body                                            []string
	Responses                                       []respView
}

type paramView struct {
	Name, In, Schema, Description string
	Required                      bool
}

type respView struct {
	Status, Description string
	Types               []string
}

var methodOrder = []string{"get", "post", "put", "patch", "delete"}

// newAPIView lays out doc for reading: every operation by path and method,
// with its parameters (references resolved) and responses.
func newAPIView(doc jsonObject) *apiView {
	info := doc["info"].(jsonObject)
	v := &apiView{Description: strings.Split(fmt.Sprint(info["description"]), "\n\n")}
	if l, ok := info["license"].(jsonObject); ok {
		v.License = fmt.Sprint(l["name"])
	}
	comps := doc["components"].(jsonObject)
	for name, s := range comps["securitySchemes"].(jsonObject) {
		v.Schemes = append(v.Schemes, name+": "+fmt.Sprint(s.(jsonObject)["description"]))
	}
	resolve := func(o jsonObject) jsonObject {
		r, ok := o["$ref"].(string)
		if !ok {
			return o
		}
		parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
		return comps[parts[0]].(jsonObject)[parts[1]].(jsonObject)
	}
	paths := doc["paths"].(jsonObject)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		item := paths[p].(jsonObject)
		for _, m := range methodOrder {
			op, ok := item[m].(jsonObject)
			if !ok {
				continue
			}
			ov := opView{Method: strings.ToUpper(m), Path: p, Anchor: fmt.Sprint(op["operationId"]),
				Summary: fmt.Sprint(op["summary"]), Description: oaText(op["description"])}
			if sec, ok := op["security"].([]jsonObject); ok && len(sec) > 0 {
				ov.Secured = true
			}
			if tags, ok := op["tags"].([]string); ok && len(tags) > 0 {
				ov.Tag = tags[0]
			}
			ps, _ := op["parameters"].([]jsonObject)
			for _, pr := range ps {
				pr = resolve(pr)
				ov.Params = append(ov.Params, paramView{Name: fmt.Sprint(pr["name"]), In: fmt.Sprint(pr["in"]),
					Required: pr["required"] == true, Description: oaText(pr["description"]), Schema: schemaText(pr["schema"])})
			}
			if rb, ok := op["requestBody"].(jsonObject); ok {
				ov.Body = sortedKeys(rb["content"])
			}
			rs := op["responses"].(jsonObject)
			for _, st := range sortedKeys(rs) {
				r := resolve(rs[st].(jsonObject))
				ov.Responses = append(ov.Responses, respView{Status: st, Description: oaText(r["description"]), Types: sortedKeys(r["content"])})
			}
			v.Operations = append(v.Operations, ov)
		}
	}
	return v
}

func oaText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func sortedKeys(v any) []string {
	m, _ := v.(jsonObject)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// schemaText sums up a parameter's schema: its type, values and bounds.
func schemaText(v any) string {
	s, ok := v.(jsonObject)
	if !ok {
		return ""
	}
	var parts []string
	typ := oaText(s["type"])
	if items, ok := s["items"].(jsonObject); ok && typ == "array" {
		typ = "list of " + oaText(items["type"])
		if e, ok := items["enum"].([]string); ok {
			parts = append(parts, "one or more of "+strings.Join(e, ", "))
		}
	}
	parts = slices.Insert(parts, 0, typ)
	if e, ok := s["enum"].([]string); ok {
		parts = append(parts, "one of "+strings.Join(e, ", "))
	}
	for _, k := range []string{"default", "minimum", "maximum", "minItems", "maxItems", "maxLength", "pattern", "format"} {
		if x, ok := s[k]; ok {
			parts = append(parts, k+" "+fmt.Sprint(x))
		}
	}
	return strings.Join(parts, "; ")
}
