"""SafeMap's WMS through OWSLib (Debian's python3-owslib), for WmsInteropIT: reports what OWSLib saw, as JSON.

Run with /usr/bin/python3 (Debian's owslib lives there). Usage: owslib_check.py SPEC_JSON, where SPEC_JSON is
{"url": service URL, "versions": [...], "maps": [{version, layer, crs, bbox, size, format}],
 "infos": [{version, layers, crs, bbox, size, xy, format}]}; bounding boxes are given x (easting or longitude)
first, and OWSLib itself swaps them for latitude-first systems in 1.3.0. Every request is attempted; one that
fails reports its traceback in "error" and the rest go on, so the Java test can say exactly what went wrong.
Nothing is judged here: the Java test compares the report with what it expects.
"""

import json
import struct
import sys
import traceback

from owslib.wms import WebMapService

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_header(data):
    """Width, height and colour type from the IHDR chunk, which a PNG must start with."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG; the answer starts %r" % data[:300])
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


def capabilities(wms):
    layers = {}
    for name, layer in wms.contents.items():
        layers[name] = {
            "title": layer.title,
            "queryable": str(layer.queryable),
            "boundingBox": list(layer.boundingBox) if layer.boundingBox else None,
            "boundingBoxWGS84": list(layer.boundingBoxWGS84) if layer.boundingBoxWGS84 else None,
            "crsOptions": sorted(layer.crsOptions or []),
            # 1.3.0 only: every BoundingBox, put x first by OWSLib whatever the CRS's axis order
            "boxes": {b[4]: list(b[:4]) for b in (getattr(layer, "crs_list", None) or [])},
            "styles": sorted(layer.styles.keys()),
            # the time dimension's values and default, as OWSLib gives them to a client picking a TIME
            "timepositions": layer.timepositions,
            "defaulttimeposition": layer.defaulttimeposition,
        }
    return {
        "type": type(wms).__name__,
        "title": wms.identification.title,
        "layers": layers,
        "mapFormats": wms.getOperationByName("GetMap").formatOptions,
        "infoFormats": wms.getOperationByName("GetFeatureInfo").formatOptions,
    }


def get_map(wms, spec):
    answer = wms.getmap(layers=[spec["layer"]], srs=spec["crs"], bbox=tuple(spec["bbox"]),
                        size=tuple(spec["size"]), format=spec["format"], transparent=True)
    data = answer.read()
    width, height, colour_type = png_header(data)
    return {"request": wms.request, "contentType": answer.info().get("Content-Type"), "bytes": len(data),
            "width": width, "height": height, "colourType": colour_type}


def feature_info(wms, spec):
    answer = wms.getfeatureinfo(layers=spec["layers"], srs=spec["crs"], bbox=tuple(spec["bbox"]),
                                size=tuple(spec["size"]), format="image/png", query_layers=spec["layers"],
                                xy=tuple(spec["xy"]), info_format=spec["format"], feature_count=5)
    return {"request": wms.request, "contentType": answer.info().get("Content-Type"),
            "body": answer.read().decode("utf-8")}


def attempt(action, *args):
    try:
        return action(*args)
    except Exception:  # report, don't stop: every other request still tells something
        return {"error": traceback.format_exc()}


def main():
    spec = json.loads(sys.argv[1])
    services, report = {}, {"capabilities": {}, "maps": [], "infos": []}
    for version in spec["versions"]:
        try:
            services[version] = WebMapService(spec["url"], version=version, timeout=60)
            report["capabilities"][version] = capabilities(services[version])
        except Exception:
            report["capabilities"][version] = {"error": traceback.format_exc()}
    for kind, action in (("maps", get_map), ("infos", feature_info)):
        for request in spec[kind]:
            wms = services.get(request["version"])
            result = attempt(action, wms, request) if wms else {"error": "no capabilities for this version"}
            report[kind].append({"spec": request, **result})
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
