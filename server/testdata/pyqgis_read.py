"""Opens dmzmap's OGC API - Features collections in QGIS (PyQGIS, headless) and
prints what QGIS read as JSON.

Usage: QT_QPA_PLATFORM=offscreen python3 pyqgis_read.py BASE_URL (the /ogc landing page).
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer  # noqa: E402

QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
base = sys.argv[1]
out = {}
for name in ["incidents", "crossings", "mdl"]:
    layer = QgsVectorLayer(f"url='{base}' typename='{name}'", name, "OAPIF")
    info = {"valid": layer.isValid()}  # layer.error() crashes PyQGIS 3.22 here
    if layer.isValid():
        info["count"] = layer.featureCount()
        info["fields"] = {f.name(): f.typeName() for f in layer.fields()}
        features = {}
        for f in layer.getFeatures():
            attrs = {}
            for k in ("id", "date", "date_start", "date_end", "sources_text", "type"):
                if layer.fields().indexOf(k) >= 0:
                    v = f[k]
                    attrs[k] = None if v is None or (hasattr(v, "isNull") and v.isNull()) else (
                        v.toString("yyyy-MM-dd") if hasattr(v, "toString") else str(v))
            features[str(attrs.get("id"))] = attrs
        info["features"] = features
        if name == "incidents":
            req = QgsFeatureRequest().setFilterExpression("\"date_start\" >= to_date('2017-01-01')")
            info["since2017"] = sorted(str(f["id"]) for f in layer.getFeatures(req))
    out[name] = info
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # QgsApplication.exitQgis() crashes PyQGIS 3.22 headless after OAPIF layers
