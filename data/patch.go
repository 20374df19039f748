package data

import (
	"encoding/json"
)

// MergePatch applies a JSON Merge Patch (RFC 7386) to a stored Feature and
// returns the patched incident, not yet validated. The patch may change any
// member but the id; null removes a member.
func MergePatch(feature, patch []byte) (*Incident, error) {
	var doc, p any
	if err := json.Unmarshal(feature, &doc); err != nil {
		return nil, err
	}
	if err := checkJSON(patch, nil); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, jsonError(err)
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, &Error{Kind: KindInvalid, Message: "a merge patch must be a JSON object"}
	}
	if pm := p.(map[string]any); pm["id"] != nil {
		if id, _ := pm["id"].(string); id != doc.(map[string]any)["id"] {
			return nil, invalid("id", "cannot be changed by a patch")
		}
	}
	if props, ok := doc.(map[string]any)["properties"].(map[string]any); ok {
		for _, k := range ComputedProperties {
			delete(props, k)
		}
	}
	out, err := json.Marshal(mergePatch(doc, p))
	if err != nil {
		return nil, err
	}
	return DecodeFeature(out)
}

func mergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergePatch(tm[k], v)
	}
	return tm
}
