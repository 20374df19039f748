"""Reads dmzmap's OGC API - Features with owslib and prints what it got as JSON.

Usage: python3 owslib_read.py BASE_URL (the /ogc landing page).
"""
import json
import sys

from owslib.ogcapi.features import Features

w = Features(sys.argv[1])
out = {
    "conformance": w.conformance()["conformsTo"],
    "collections": [c["id"] for c in w.collections()["collections"]],
    "feature_collections": w.feature_collections(),
    "items": {},
}
for cid in out["feature_collections"]:
    coll = w.collection(cid)
    page = w.collection_items(cid, limit=7)
    everything = w.collection_items(cid, limit=10000)
    out["items"][cid] = {
        "title": coll["title"],
        "matched": page["numberMatched"],
        "page": [f["id"] for f in page["features"]],
        "all": [f["id"] for f in everything["features"]],
        "queryables": sorted(w.collection_queryables(cid)["properties"]),
    }
inc = out["items"]["incidents"]
inc["bbox"] = [f["id"] for f in w.collection_items("incidents", bbox=[126.5, 37.75, 127.5, 38.25], limit=10000)["features"]]
inc["datetime"] = [f["id"] for f in w.collection_items("incidents", datetime="1960-01-01/1969-12-31", limit=10000)["features"]]
inc["filter"] = [f["id"] for f in w.collection_items("incidents", filter="type = 'crossing' AND date >= '2017-01-01'", limit=10000)["features"]]
first = inc["page"][0]
inc["item"] = w.collection_item("incidents", first)["properties"]["title"]
print(json.dumps(out))
