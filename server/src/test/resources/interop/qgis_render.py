"""SafeMap's OGC services as QGIS 3 sees them (Debian's python3-qgis, headless), for QgisIT: reports as JSON.

Run with /usr/bin/python3 and QT_QPA_PLATFORM=offscreen. Usage: qgis_render.py SPEC_FILE, where SPEC_FILE holds
{"base": server address, "profile": an empty folder for QGIS's settings and authentication database,
 "user": login, "token": API token (both optional),
 "layers": [{"name": a label, "service": "wms" | "wmts", "layer": SafeMap layer name, "crs": for WMS,
             "style": "" for the default, "matrixSet": for WMTS (no time: SafeMap's default, the latest month),
             "dimensions": for WMTS, optional, {dimension: value} as the Select Dimensions dialog picks them,
             "auth": "none" | "basic" (user and token in the layer's URI) | "authcfg" (a Basic configuration in
             QGIS's authentication database, as the docs recommend),
             "temporal": for WMS, optional, {"timeDimensionExtent": the layer's time Dimension as capabilities give
                         it}: the layer is added as QGIS 3.22's dialog adds a WMS-T layer (type=wmst, its time extent,
                         temporalSource=provider, allowTemporalUpdates=true), so the map's temporal range picks TIME,
             "renders": [{"crs": map CRS, "extent": [xmin, ymin, xmax, ymax] in it, "width": px, "height": px,
                          "png": path to write, "time": optional [begin, end) as ISO date-times in UTC: the temporal
                          controller's frame, set with QgsMapSettings.setIsTemporal and setTemporalRange}],
             "identify": optional [{"point": [x, y] in "crs", "crs", "extent", "width", "height", "time": optional
                          [begin, end)}]: QGIS's Identify tool (QgsMapToolIdentify on a map canvas of that extent and
                          size, with that temporal range, as clicking the map does), its results' attributes
                          reported as "identified",
             "temporalController": optional, for a WMS-T layer, step units (["months", "source timestamps"]): QGIS's
                          Temporal Controller panel's Set to Full Range with each step of 1, its range and frames
                          reported as "temporalController",
             "subset": optional, for OGC API - Features, a filter expression set as the layer's Filter... (its
                          subset string) before the layer is read}]}.

Each layer is added the way QGIS's Add WMS/WMTS Layer dialog adds it: a QgsRasterLayer of the "wms" provider with the
dialog's URI. Each render is a QgsMapRendererSequentialJob of that one layer, transparent background, 96 dpi.
Every layer and render is attempted; one that fails reports its error and the rest go on. Nothing is judged here:
the Java test compares the report and the pictures with SafeMap's own GetMap.

OGC API - Features ("service": "oapif", "layer": the collection) is added as QGIS's Add WFS / OGC API - Features
Layer dialog adds it: a QgsVectorLayer of the "OAPIF" provider with a data source URI in QGIS's key='value' form
(url, typename, and authcfg or username and password). A vector layer is drawn with each area in its own solid colour
(from the CRC-32 of its code), no outline, no simplification and no antialiasing, so the Java test can compare its
pixels with the areas' outlines from PostGIS; its report adds
the feature count, the field names and types, the filter, and every feature's attributes and area in square metres of British National
Grid ("features").

Another service is one more function in LAYER_BUILDERS taking (spec, base, auth) and returning (layer, uri); the
rest (describe, render, the report) takes any QgsMapLayer.
"""

import json
import os
import sys
import time
import traceback
import zlib
from urllib.parse import quote, urlencode

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsCategorizedSymbolRenderer,
    QgsDateTimeRange,
    QgsGeometry,
    QgsIdentifyContext,
    QgsPointXY,
    QgsFillSymbol,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRasterLayer,
    QgsProject,
    QgsRectangle,
    QgsRendererCategory,
    QgsVectorLayer,
    QgsVectorSimplifyMethod,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, Qt
from qgis.PyQt.QtGui import QColor


def wms_uri(spec, base, auth):
    """The URI QGIS's dialog writes for a WMS layer: crs, format, layers, styles, url; and for a layer with a time
    dimension (WMS-T) the keys QGIS 3.22's QgsWMSSourceSelect adds: type=wmst, timeDimensionExtent (the Dimension's
    text), temporalSource=provider and allowTemporalUpdates=true."""
    parts = [("crs", spec["crs"]), ("format", "image/png"), ("layers", spec["layer"]),
             ("styles", spec.get("style", "")), ("url", base + "/wms")]
    temporal = spec.get("temporal")
    if temporal:
        parts += [("allowTemporalUpdates", "true"), ("temporalSource", "provider"),
                  ("timeDimensionExtent", temporal["timeDimensionExtent"]), ("type", "wmst")]
    return urlencode(parts + auth, quote_via=quote, safe=":/")


def wmts_uri(spec, base, auth):
    """The URI QGIS's dialog writes for a WMTS tile set: the capabilities URL, layer, style, matrix set."""
    parts = [("crs", spec["crs"]), ("format", "image/png"), ("layers", spec["layer"]),
             ("styles", spec.get("style", "")), ("tileMatrixSet", spec["matrixSet"])]
    dimensions = spec.get("dimensions", {})
    if dimensions:
        # the dialog's form: name=value pairs joined by ';'; a dimension not named takes the capabilities' Default
        parts.append(("tileDimensions", ";".join("%s=%s" % (k, v) for k, v in sorted(dimensions.items()))))
    parts.append(("url", base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"))
    return urlencode(parts + auth, quote_via=quote, safe=":/")


def raster_layer(uri_of):
    def build(spec, base, auth):
        uri = uri_of(spec, base, auth)
        return QgsRasterLayer(uri, spec["name"], "wms"), uri
    return build


def oapif_layer(spec, base, auth):
    """A collection as the WFS / OGC API - Features dialog adds it: the landing page's URL and the collection's id.
    "dimensions" ({"datetime": "2022-03"}) go in the connection's URL as a query: QGIS 3.22's OAPIF provider repeats
    the URL's query parameters on every request it makes, items pages included."""
    uri = QgsDataSourceUri()
    query = spec.get("dimensions", {})
    uri.setParam("url", base + "/ogc/features"
                 + ("?" + urlencode(sorted(query.items()), quote_via=quote, safe=":/") if query else ""))
    uri.setParam("typename", spec["layer"])
    for key, value in auth:
        if key == "authcfg":
            uri.setAuthConfigId(value)
        elif key == "username":
            uri.setUsername(value)
        else:
            uri.setPassword(value)
    text = uri.uri(False)
    layer = QgsVectorLayer(text, spec["name"], "OAPIF")
    if layer.isValid() and spec.get("subset"):
        # the layer's Filter... (Query Builder) as the user types it: QGIS decides what goes to the server
        if not layer.setSubsetString(spec["subset"]):
            raise RuntimeError("QGIS refused the filter " + spec["subset"])
    if layer.isValid():
        # each area in its own opaque colour, no outline: where each area is, not how it is styled, is compared
        categories = []
        for code in sorted({f["code"] for f in layer.getFeatures()}):
            symbol = QgsFillSymbol.createSimple({"color": code_colour(code), "outline_style": "no"})
            categories.append(QgsRendererCategory(code, symbol, code))
        layer.setRenderer(QgsCategorizedSymbolRenderer("code", categories))
        every_vertex = QgsVectorSimplifyMethod()
        every_vertex.setSimplifyHints(QgsVectorSimplifyMethod.NoSimplification)
        layer.setSimplifyMethod(every_vertex)
    return layer, text


def code_colour(code):
    """An area's fill colour, 'r,g,b,255' from the CRC-32 of its code (the Java test computes the same)."""
    c = zlib.crc32(code.encode("utf-8"))
    return "%d,%d,%d,255" % ((c >> 16) & 255, (c >> 8) & 255, c & 255)


LAYER_BUILDERS = {"wms": raster_layer(wms_uri), "wmts": raster_layer(wmts_uri), "oapif": oapif_layer}


def plain(value):
    """An attribute as JSON: NULL as null, a date or date-time as ISO 8601 text (QGIS types GeoJSON dates itself)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, (QDate, QDateTime)):
        return value.toString(Qt.ISODate)
    return value


def features(layer):
    """Every feature's attributes and its area in British National Grid, as QGIS read them from the service."""
    to_bng = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    out = []
    for f in layer.getFeatures():
        g = f.geometry()
        g.transform(to_bng)
        attributes = {name: plain(value) for name, value in zip(layer.fields().names(), f.attributes())}
        out.append({"attributes": attributes, "area": g.area()})
    return out


def auth_parts(spec, setup):
    """The URI parameters that carry credentials: none, Basic in the URI, or a stored Basic configuration."""
    kind = spec.get("auth", "none")
    if kind == "none":
        return []
    if kind == "basic":
        return [("password", setup["token"]), ("username", setup["user"])]
    if kind == "authcfg":
        return [("authcfg", setup["authcfg"])]
    raise ValueError("unknown auth " + kind)


def store_basic_config(user, token):
    """A Basic configuration in QGIS's authentication database, encrypted by a master password, as a user keeps it."""
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        if not manager.setMasterPassword("master password for the test profile", True):
            raise RuntimeError("QGIS refused the master password")
    config = QgsAuthMethodConfig()
    config.setName("SafeMap")
    config.setMethod("Basic")
    config.setConfig("username", user)
    config.setConfig("password", token)
    ok = manager.storeAuthenticationConfig(config)
    if isinstance(ok, tuple):
        ok = ok[0]
    if not ok or not config.id():
        raise RuntimeError("QGIS did not store the authentication configuration")
    return config.id()


def describe(layer, uri):
    """Validity, CRS and extent as QGIS read them from the service; the URI with the token masked."""
    report = {"uri": uri.replace(SECRET[0], "***") if SECRET[0] else uri, "valid": layer.isValid()}
    if not layer.isValid():
        # an invalid vector layer has no provider behind its error (QGIS 3.22 crashes if asked): its log tells why
        if isinstance(layer, QgsRasterLayer):
            report["error"] = layer.error().summary() if layer.error() else ""
            report["providerError"] = layer.dataProvider().error().summary() if layer.dataProvider() else ""
        return report
    e = layer.extent()
    # what every kind of layer has, so a vector layer (OGC API - Features) is described by the same function
    report.update({"crs": layer.crs().authid(), "extent": [e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()],
                   "type": layer.type().name if hasattr(layer.type(), "name") else str(layer.type())})
    if isinstance(layer, QgsVectorLayer):
        report.update({"featureCount": layer.featureCount(), "fields": layer.fields().names(),
                       "fieldTypes": {f.name(): f.typeName() for f in layer.fields()},
                       "subset": layer.subsetString(), "features": features(layer)})
    return report


def time_range(pair):
    """The temporal controller's frame: [begin, end) from two ISO date-times."""
    begin, end = (QDateTime.fromString(t, Qt.ISODate) for t in pair)
    return QgsDateTimeRange(begin, end, True, False)


def render(layer, spec):
    settings = QgsMapSettings()
    if spec.get("time"):
        # what the temporal controller does to every render of a frame
        settings.setIsTemporal(True)
        settings.setTemporalRange(time_range(spec["time"]))
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem(spec["crs"]))
    settings.setOutputSize(QSize(spec["width"], spec["height"]))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(Qt.transparent))
    if isinstance(layer, QgsVectorLayer):
        settings.setFlag(QgsMapSettings.Antialiasing, False)  # hard edges, to compare with a plain rasterisation
    settings.setExtent(QgsRectangle(*spec["extent"]))
    job = QgsMapRendererSequentialJob(settings)
    started = time.monotonic()
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    saved = image.save(spec["png"], "PNG")
    v = settings.visibleExtent()
    return {"png": spec["png"], "saved": saved, "seconds": round(time.monotonic() - started, 3),
            "errors": [e.layerID + ": " + e.message for e in job.errors()],
            "visibleExtent": [v.xMinimum(), v.yMinimum(), v.xMaximum(), v.yMaximum()],
            "imageWidth": image.width(), "imageHeight": image.height()}


def identify(layer, spec):
    """Identify as clicking the map with QGIS's Identify tool does: QgsMapToolIdentify on a canvas showing the extent
    at that size and temporal range (the tool gives the layer's provider the canvas's range, so GetFeatureInfo asks
    for the frame's TIME), the layer's results in its "Feature" view (the WMS's JSON feature info)."""
    from qgis.gui import QgsMapCanvas, QgsMapToolIdentify  # needs the GUI application (see main)
    canvas = QgsMapCanvas()
    canvas.resize(spec["width"], spec["height"])
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(spec["crs"]))
    canvas.setLayers([layer])
    canvas.setExtent(QgsRectangle(*spec["extent"]))
    context = QgsIdentifyContext()
    if spec.get("time"):
        canvas.setTemporalRange(time_range(spec["time"]))
        context.setTemporalRange(canvas.temporalRange())
    layer.setCustomProperty("identify/format", "Feature")
    tool = QgsMapToolIdentify(canvas)
    results = tool.identify(QgsGeometry.fromPointXY(QgsPointXY(*spec["point"])), QgsMapToolIdentify.TopDownAll,
                            [layer], QgsMapToolIdentify.RasterLayer, context)
    out = []
    for r in results:
        f = r.mFeature
        out.append({name: plain(value) for name, value in zip(f.fields().names(), f.attributes())})
    return {"identified": out, "canvasSize": [canvas.mapSettings().outputSize().width(),
                                              canvas.mapSettings().outputSize().height()]}


def iso(t):
    return t.toString(Qt.ISODate) if t.isValid() else None


def temporal_controller(layer, steps):
    """QGIS's Temporal Controller panel (QgsTemporalControllerWidget) with the layer in the project: animated
    navigation, each step in "steps" ("months" or "source timestamps") of 1, then its Set to Full Range button, as a
    user clicks them. Reports the layer provider's own range and the controller's range and frames, as [begin, end]
    ISO date-times."""
    from qgis.gui import QgsDoubleSpinBox, QgsTemporalControllerWidget  # needs the GUI application (see main)
    from qgis.PyQt.QtWidgets import QComboBox, QToolButton
    QgsProject.instance().addMapLayer(layer, False)
    caps = layer.dataProvider().temporalCapabilities()
    available = caps.availableTemporalRange()
    out = {"hasTemporalCapabilities": caps.hasTemporalCapabilities(),
           "providerRange": [iso(available.begin()), iso(available.end())],
           "providerValues": [iso(r.begin()) for r in caps.allAvailableTemporalRanges()], "steps": {}}
    widget = QgsTemporalControllerWidget()
    widget.findChild(QToolButton, "mNavigationAnimated").click()
    units = widget.findChild(QComboBox, "mTimeStepsComboBox")
    for step in steps:
        index = units.findText(step)
        if index < 0:
            raise ValueError("no step unit " + step)
        units.setCurrentIndex(index)
        widget.findChild(QgsDoubleSpinBox, "mStepSpinBox").setValue(1)
        widget.findChild(QToolButton, "mSetRangeButton").click()
        navigation = widget.temporalController()
        extent = navigation.temporalExtents()
        frames = [navigation.dateTimeRangeForFrameNumber(k) for k in range(navigation.totalFrameCount())]
        out["steps"][step] = {"range": [iso(extent.begin()), iso(extent.end())],
                              "frames": [[iso(f.begin()), iso(f.end())] for f in frames]}
    return out


def attempt(action, *args):
    try:
        return action(*args)
    except Exception:  # report, don't stop: every other layer still tells something
        return {"error": traceback.format_exc()}


# the token, masked wherever the report repeats a URI
SECRET = [None]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    SECRET[0] = spec.get("token")
    QgsApplication.setPrefixPath("/usr", True)
    # the Identify tool lives on a map canvas, a widget: the application has its GUI only when a spec asks for it
    gui = any(layer.get("identify") or layer.get("temporalController") for layer in spec["layers"])
    app = QgsApplication([], gui, spec["profile"])
    app.initQgis()
    # QGIS's own log (network errors, provider messages) goes to stderr, for the test to show when it fails
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: print("[%s] %s" % (tag, message), file=sys.stderr))
    report = {"qgis": Qgis.version(), "layers": []}
    try:
        setup = {"user": spec.get("user"), "token": spec.get("token")}
        if any(layer.get("auth") == "authcfg" for layer in spec["layers"]):
            setup["authcfg"] = store_basic_config(spec["user"], spec["token"])
        for layer_spec in spec["layers"]:
            entry = {"name": layer_spec["name"]}
            try:
                layer, uri = LAYER_BUILDERS[layer_spec["service"]](layer_spec, spec["base"],
                                                                   auth_parts(layer_spec, setup))
                entry.update(describe(layer, uri))
                if layer.isValid():
                    entry["renders"] = [attempt(render, layer, r) for r in layer_spec.get("renders", [])]
                    if layer_spec.get("temporalController"):
                        entry["temporalController"] = attempt(temporal_controller, layer,
                                                              layer_spec["temporalController"])
                    if layer_spec.get("identify"):
                        QgsProject.instance().addMapLayer(layer, False)  # as a layer the canvas shows is
                        entry["identify"] = [attempt(identify, layer, i) for i in layer_spec["identify"]]
            except Exception:
                entry["error"] = traceback.format_exc()
            report["layers"].append(entry)
    finally:
        app.exitQgis()
    json.dump(report, sys.stdout, indent=1, default=str)  # dates and other QGIS values as text


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
