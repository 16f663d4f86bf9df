// SafeMap viewer: reads the layer catalogue and its SLD-derived styles from the server, draws the layers on a
// Leaflet map, and keeps working (and says so) when the basemap cannot be reached. When everything has
// loaded, <body> carries data-ready, data-areas and data-incidents (counts drawn) for tests and scripts.
'use strict';

(function () {
  const METHOD_LABELS = {
    'coordinate': 'given coordinates', 'rounded-grid': 'rounded grid reference', 'snapped-map-point':
      'police.uk anonymous map point', 'uprn': 'property (UPRN)', 'postcode': 'postcode centroid', 'venue': 'named venue',
    'street': 'street', 'postcode-district': 'postcode district'
  };
  const state = { feedLabels: {}, month: null, feeds: new Set(), summary: null, layers: [], overlays: {}, areaZoomRange: {} };

  // One canvas for every vector layer: a second canvas on top would swallow the clicks meant for the first.
  const map = L.map('map', { preferCanvas: true, zoomControl: true, zoomSnap: 0.25 }).setView([53.41, -2.98], 12);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v; else if (k in node) node[k] = v; else node.setAttribute(k, v);
    });
    children.forEach(c => node.append(c));
    return node;
  }

  function notice(text) {
    const box = document.getElementById('notice');
    box.textContent = text;
    box.hidden = !text;
  }

  function status(text) {
    document.getElementById('status').textContent = text;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.message || (response.status + ' ' + response.statusText));
    }
    return body;
  }

  // The basemap is optional: offline machines and locked-down networks still get the data layers.
  function addBasemap(config) {
    if (!config.basemapUrl) {
      notice('No basemap is configured; SafeMap layers are shown on a plain background.');
      return;
    }
    let loaded = 0;
    let failed = 0;
    const base = L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution });
    base.on('tileload', () => { loaded++; if (failed) notice(''); });
    base.on('tileerror', () => {
      failed++;
      if (loaded === 0 && failed >= 2) {
        notice('The basemap could not be loaded (offline or blocked?). SafeMap layers are still shown.');
      }
    });
    base.addTo(map);
  }

  // SLD filters as the server reads them (SldStyle.Filter): numbers compare as numbers, missing values match nothing.
  function compare(value, literal) {
    const a = Number(value);
    const b = Number(literal);
    if (value !== '' && !Number.isNaN(a) && !Number.isNaN(b)) return a < b ? -1 : a > b ? 1 : 0;
    return String(value) < literal ? -1 : String(value) > literal ? 1 : 0;
  }

  function matches(f, p) {
    if (!f) return true;
    const v = p[f.property];
    switch (f.op) {
      case 'compare': {
        if (v == null) return false;
        const c = compare(v, f.literal);
        return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[f.operator];
      }
      case 'between': return v != null && compare(v, f.lower) >= 0 && compare(v, f.upper) <= 0;
      case 'null': return v == null;
      case 'and': return f.filters.every(x => matches(x, p));
      case 'or': return f.filters.some(x => matches(x, p));
      case 'not': return !matches(f.filter, p);
      default: return false;
    }
  }

  function drawn(rule) {
    return rule.symbolizers.find(s => s.kind === 'polygon' || s.kind === 'point' || s.kind === 'line');
  }

  // SLD rules -> Leaflet styles: the first rule that draws and whose filter matches the feature applies.
  function ruleFor(layer, properties) {
    return layer.style.rules.find(r => !r.elseFilter && drawn(r) && matches(r.filter, properties)) || null;
  }

  function pathStyle(rule) {
    const s = rule ? drawn(rule) : null;
    if (!s) return { stroke: false, fill: false };
    return {
      color: s.stroke ? s.stroke.colour : '#000000',
      weight: s.stroke ? s.stroke.width : 0,
      opacity: s.stroke ? s.stroke.opacity : 0,
      stroke: !!s.stroke,
      fillColor: s.fill ? s.fill.colour : '#000000',
      fillOpacity: s.fill ? s.fill.opacity : 0,
      fill: !!s.fill,
      radius: s.size ? s.size / 2 : 4
    };
  }

  // Layers the server renders (density surfaces, choropleths) come as tiles from the map service.
  function isVector(layer) {
    return layer.kind === 'areas' || layer.kind === 'points';
  }

  function tileLayer(layer) {
    const timed = layer.kind === 'density' || layer.kind === 'area-counts';
    const url = '/tiles/' + encodeURIComponent(layer.name) + '/{z}/{x}/{y}.png'
      + (timed && state.month ? '?' + query({ time: state.month }) : '');
    return { group: L.tileLayer(url, { maxZoom: 19, opacity: 1, className: 'safemap-tiles' }), count: 0 };
  }

  function rgba(hex, opacity) {
    const n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + opacity + ')';
  }

  function escapeHtml(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g,
      c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function query(params) {
    return Object.entries(params).filter(([, v]) => v != null && v !== '')
      .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
  }

  // An area's profile: where it sits, who lives there, how deprived it is, what it borders.
  function profileHtml(p) {
    const parts = ['<div class="popup"><h3>' + escapeHtml(p.name) + '</h3>',
      '<p>' + escapeHtml(p.level.toUpperCase()) + ' ' + escapeHtml(p.code) + ' (' + escapeHtml(p.vintage) + '), '
        + p.areaKm2.toLocaleString('en-GB') + ' km&sup2;</p>'];
    if (p.parents.length) {
      parts.push('<p>In ' + p.parents.map(a => escapeHtml(a.name || a.code) + ' (' + escapeHtml(a.level.toUpperCase())
        + ')').join(', ') + '</p>');
    }
    if (p.population) {
      parts.push('<p>' + p.population.residents.toLocaleString('en-GB') + ' residents (mid-' + p.population.year
        + (p.population.method === 'estimate' ? '' : ', ' + escapeHtml(p.population.method)) + ')</p>');
    } else {
      parts.push('<p class="fine">No population loaded for this area, so no rates.</p>');
    }
    if (p.deprivation) {
      parts.push('<p>Index of Multiple Deprivation ' + p.deprivation.edition + ': decile ' + p.deprivation.decile
        + ' of 10 <span class="fine">(1 = most deprived tenth of LSOAs in England)</span></p>');
    }
    parts.push('<p class="fine">' + p.neighbours.length + ' neighbouring areas</p></div>');
    return parts.join('');
  }

  async function loadAreas(layer) {
    const zoom = Math.round(map.getZoom());
    const data = await getJson(layer.api + '?' + query(Object.assign({ zoom: zoom }, layer.params)));
    const geo = L.geoJSON(data, {
      style: f => pathStyle(ruleFor(layer, f.properties)),
      onEachFeature: (f, shape) => {
        // The profile is fetched when the popup first opens, then kept with the shape.
        shape.bindPopup('<div class="popup">Loading ' + escapeHtml(f.properties.name) + '\u2026</div>');
        shape.on('popupopen', () => {
          if (shape.profileLoaded) return;
          getJson('/api/areas/' + encodeURIComponent(f.properties.code) + '?' + query({
            level: f.properties.level, vintage: f.properties.vintage }))
            .then(p => { shape.profileLoaded = true; shape.setPopupContent(profileHtml(p)); })
            .catch(e => shape.setPopupContent('<div class="popup">Could not load the profile: '
              + escapeHtml(e.message) + '</div>'));
        });
        shape.on('mouseover', () => shape.setStyle({ weight: 3 }));
        shape.on('mouseout', () => geo.resetStyle(shape));
      }
    });
    return { group: geo, count: data.features.length, bounds: data.features.length ? geo.getBounds() : null,
      zoomRange: data.zoomRange || [zoom, zoom] };
  }

  async function loadPoints(layer) {
    const group = L.layerGroup();
    const feeds = [...state.feeds];
    const requests = feeds.map(feed => getJson(layer.api + '?' + query({ month: state.month, feed: feed })));
    const results = await Promise.all(requests);
    let count = 0;
    let truncated = false;
    results.forEach(data => {
      truncated = truncated || data.truncated;
      data.features.forEach(f => {
        const [lon, lat] = f.geometry.coordinates;
        const p = f.properties;
        L.circleMarker([lat, lon], pathStyle(ruleFor(layer, p)))
          .bindPopup('<div class="popup"><h3>' + escapeHtml(p.sourceCategory) + '</h3>'
            + '<p>' + escapeHtml(p.location || 'Location not given') + '</p>'
            + '<p>' + escapeHtml(when(p)) + ' &middot; ' + escapeHtml(state.feedLabels[p.feed] || p.feed) + '</p>'
            + '<p class="fine">Located by ' + escapeHtml(METHOD_LABELS[p.geocodeMethod] || p.geocodeMethod)
            + ', to within about ' + Math.round(p.precisionM) + ' m.'
            + (p.eventId && p.eventId !== f.id ? ' Linked to a record of the same event in another feed.' : '') + '</p>'
            + '</div>')
          .addTo(group);
        count++;
      });
    });
    return { group: group, count: count, truncated: truncated };
  }

  // police.uk gives whole months; other feeds give a date and time.
  function when(p) {
    const from = new Date(p.from);
    const to = new Date(p.to);
    if (to - from > 2 * 86400000) return p.month;
    return from.toLocaleString('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short',
      year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  async function refreshLayer(layer) {
    const box = document.getElementById('layer-' + layer.name);
    if (state.overlays[layer.name]) {
      map.removeLayer(state.overlays[layer.name]);
      delete state.overlays[layer.name];
    }
    if (!box.checked) return null;
    const result = !isVector(layer) ? tileLayer(layer)
      : layer.kind === 'areas' ? await loadAreas(layer) : await loadPoints(layer);
    if (layer.kind === 'areas') state.areaZoomRange[layer.name] = result.zoomRange;
    state.overlays[layer.name] = result.group.addTo(map);
    map.attributionControl.addAttribution(layer.attribution);
    return result;
  }

  async function refreshPoints() {
    const pointLayers = state.layers.filter(l => l.kind === 'points');
    status('Loading ' + state.month + ' \u2026');
    try {
      let shown = 0;
      let truncated = false;
      for (const layer of pointLayers) {
        const r = await refreshLayer(layer);
        if (r) { shown += r.count; truncated = truncated || r.truncated; }
      }
      for (const layer of state.layers.filter(l => l.kind === 'density' || l.kind === 'area-counts')) {
        await refreshLayer(layer);
      }
      document.body.dataset.incidents = String(shown);
      status(shown.toLocaleString('en-GB') + ' incidents shown for ' + state.month
        + (truncated ? ' (limit reached: zoom in or filter)' : '') + '.');
      renderLegend();
    } catch (e) {
      status('Could not load incidents: ' + e.message);
    }
  }

  function renderLegend() {
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    const counts = {};
    (state.summary ? state.summary.categories : []).forEach(c => { counts[c.group] = (counts[c.group] || 0) + c.count; });
    state.layers.forEach(layer => {
      if (!isVector(layer)) {
        const box = document.getElementById('layer-' + layer.name);
        if (box && box.checked) {
          legend.append(el('li', {}, el('img', { alt: 'Legend: ' + layer.title, src: '/wms?' + query({ SERVICE: 'WMS',
            REQUEST: 'GetLegendGraphic', VERSION: '1.3.0', FORMAT: 'image/png', LAYER: layer.name }) })));
        }
        return;
      }
      layer.style.rules.filter(drawn).forEach(rule => {
        const style = pathStyle(rule);
        const swatch = el('span', { class: 'swatch' + (layer.kind === 'areas' ? ' area' : '') });
        swatch.style.background = style.fill ? rgba(style.fillColor, Math.max(style.fillOpacity, 0.15)) : 'transparent';
        if (layer.kind === 'areas') swatch.style.border = '2px solid ' + style.color;
        const label = layer.kind === 'areas' ? layer.title : rule.title;
        const item = el('li', {}, swatch, el('span', {}, label));
        const group = rule.filter && rule.filter.op === 'compare' ? rule.filter.literal : null;
        if (layer.kind === 'points' && counts[group] != null) {
          item.append(el('span', { class: 'count', title: 'records in all months' },
            counts[group].toLocaleString('en-GB')));
        }
        legend.append(item);
      });
    });
  }

  function buildControls() {
    const monthSelect = document.getElementById('month');
    const months = state.summary.months.map(m => m.month);
    months.slice().reverse().forEach(m => {
      const count = state.summary.months.find(x => x.month === m).count;
      monthSelect.append(el('option', { value: m }, m + ' (' + count.toLocaleString('en-GB') + ')'));
    });
    state.month = months.length ? months[months.length - 1] : null;
    monthSelect.value = state.month;
    monthSelect.addEventListener('change', () => { state.month = monthSelect.value; refreshPoints(); });

    const feeds = document.getElementById('feeds');
    state.summary.feeds.forEach(f => {
      state.feeds.add(f.feed);
      const box = el('input', { type: 'checkbox', checked: true, value: f.feed, id: 'feed-' + f.feed });
      box.addEventListener('change', () => {
        if (box.checked) state.feeds.add(f.feed); else state.feeds.delete(f.feed);
        refreshPoints();
      });
      feeds.append(el('label', { htmlFor: 'feed-' + f.feed }, box, el('span', {}, state.feedLabels[f.feed] || f.feed),
        el('span', { class: 'count' }, f.count.toLocaleString('en-GB'))));
    });

    const layerBoxes = document.getElementById('layers');
    state.layers.forEach(layer => {
      const box = el('input', { type: 'checkbox', checked: layer.visible, id: 'layer-' + layer.name });
      box.addEventListener('change', () => {
        refreshLayer(layer).then(renderLegend).catch(e => status('Could not load ' + layer.title + ': ' + e.message));
      });
      layerBoxes.append(el('label', { htmlFor: 'layer-' + layer.name, title: layer.abstractText }, box,
        el('span', {}, layer.title)));
    });
  }

  async function start() {
    try {
      const [config, catalogue, summary, feeds] = await Promise.all([getJson('/api/viewer-config'),
        getJson('/api/layers'), getJson('/api/incidents/summary'), getJson('/api/feeds')]);
      feeds.forEach(f => { state.feedLabels[f.name] = f.label; });
      addBasemap(config);
      state.layers = catalogue.layers;
      state.summary = summary;
      buildControls();
      renderLegend();
      for (const layer of state.layers.filter(l => l.kind === 'areas')) {
        const r = await refreshLayer(layer);
        if (r) document.body.dataset.areas = String(r.count);
        if (r && r.bounds) map.fitBounds(r.bounds, { padding: [10, 10] });
      }
      // Boundaries come simplified for the zoom; fetch them again only when the zoom leaves the range the
      // server says that simplification serves.
      map.on('zoomend', () => {
        const z = Math.round(map.getZoom());
        state.layers.filter(l => l.kind === 'areas' && state.areaZoomRange[l.name]
            && (z < state.areaZoomRange[l.name][0] || z > state.areaZoomRange[l.name][1]))
          .forEach(layer => refreshLayer(layer).catch(e => status('Could not load ' + layer.title + ': ' + e.message)));
      });
      if (state.month) {
        await refreshPoints();
      } else {
        status('No incidents are loaded yet.');
      }
      document.body.dataset.ready = 'true';
    } catch (e) {
      status('SafeMap could not start: ' + e.message);
      notice('SafeMap could not load its data: ' + e.message);
    }
  }

  start();
})();
