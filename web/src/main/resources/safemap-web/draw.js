// Drawing an area on the map: a polygon or a circle, by mouse or by keyboard. Written here because no well-kept
// Leaflet drawing plugin is on the registries SafeMap builds from (leaflet-draw's last release is from 2018).
//   Mouse: polygon, click each corner and click the first corner (or double-click) to finish; circle, click the
//   centre, then click the edge.
//   Keyboard (map focused): arrow keys pan, Space puts a point at the crosshair in the middle of the map, Enter
//   finishes a polygon, Backspace removes its last corner, Escape cancels.
'use strict';

window.SafeMapDraw = (function () {
  let active = null;

  function cancel() {
    if (active) active.stop();
  }

  function start(map, kind, onDone, onHelp) {
    cancel();
    const layer = L.layerGroup().addTo(map);
    const points = [];
    let centre = null;
    const container = map.getContainer();
    const cross = L.DomUtil.create('div', 'draw-crosshair', container);
    container.classList.add('drawing');
    const hadDoubleClickZoom = map.doubleClickZoom.enabled();
    map.doubleClickZoom.disable();

    function redraw(cursor) {
      layer.clearLayers();
      if (kind === 'polygon') {
        const line = cursor ? points.concat([cursor]) : points;
        if (line.length > 1) L.polyline(line, { color: '#1d4ed8', weight: 3, dashArray: cursor ? '6 4' : null }).addTo(layer);
        points.forEach((p, i) => L.circleMarker(p, { radius: i === 0 ? 7 : 5, color: '#1d4ed8', fillOpacity: 1 })
          .addTo(layer));
      } else if (centre) {
        L.circleMarker(centre, { radius: 5, color: '#1d4ed8', fillOpacity: 1 }).addTo(layer);
        if (cursor) L.circle(centre, { radius: map.distance(centre, cursor), color: '#1d4ed8', weight: 3 }).addTo(layer);
      }
    }

    function help() {
      if (kind === 'polygon') {
        onHelp(points.length < 3
          ? 'Click each corner of the area (or press Space at the crosshair); ' + points.length + ' so far. Escape cancels.'
          : 'Click the first corner, double-click or press Enter to finish; Backspace removes the last corner.');
      } else {
        onHelp(centre ? 'Click the edge of the circle (or pan and press Space). Escape cancels.'
          : 'Click the centre of the circle (or press Space at the crosshair). Escape cancels.');
      }
    }

    function add(latlng) {
      if (kind === 'circle') {
        if (!centre) { centre = latlng; redraw(); help(); return; }
        const radius = map.distance(centre, latlng);
        if (radius < 1) return;
        const c = centre;
        stop();
        onDone({ circle: { center: [round(c.lng), round(c.lat)], radiusM: Math.round(radius) } },
          L.circle(c, { radius: radius, interactive: false }));
        return;
      }
      if (points.length >= 3 && map.latLngToContainerPoint(points[0]).distanceTo(map.latLngToContainerPoint(latlng)) < 10) {
        finish();
        return;
      }
      points.push(latlng);
      redraw();
      help();
    }

    function finish() {
      if (kind !== 'polygon' || points.length < 3) return;
      const ring = points.map(p => [round(p.lng), round(p.lat)]);
      ring.push(ring[0]);
      const shape = L.polygon(points.slice(), { interactive: false });
      stop();
      onDone({ geometry: { type: 'Polygon', coordinates: [ring] } }, shape);
    }

    function round(v) {
      return Math.round(v * 1e6) / 1e6;
    }

    const onClick = e => add(e.latlng);
    const onDouble = e => { L.DomEvent.stop(e); finish(); };
    const onMove = e => redraw(e.latlng);
    const onKey = e => {
      const key = e.originalEvent.key;
      if (key === 'Escape') { stop(); onHelp('Drawing cancelled.'); }
      else if (key === ' ') { e.originalEvent.preventDefault(); add(map.getCenter()); }
      else if (key === 'Enter') { finish(); }
      else if (key === 'Backspace' && points.length) { points.pop(); redraw(); help(); }
    };
    map.on('click', onClick);
    map.on('dblclick', onDouble);
    map.on('mousemove', onMove);
    map.on('keydown', onKey);

    function stop() {
      map.off('click', onClick);
      map.off('dblclick', onDouble);
      map.off('mousemove', onMove);
      map.off('keydown', onKey);
      map.removeLayer(layer);
      cross.remove();
      container.classList.remove('drawing');
      if (hadDoubleClickZoom) map.doubleClickZoom.enable();
      active = null;
      document.dispatchEvent(new CustomEvent('safemap-draw-stopped'));
    }

    active = { stop: stop, kind: kind };
    help();
    return active;
  }

  return {
    polygon: (map, onDone, onHelp) => start(map, 'polygon', onDone, onHelp),
    circle: (map, onDone, onHelp) => start(map, 'circle', onDone, onHelp),
    cancel: cancel,
    active: () => active
  };
})();
