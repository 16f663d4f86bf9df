// SafeMap viewer: the layer catalogue on a Leaflet map (vector boundaries and points, server-rendered tiles for
// surfaces and choropleths), a month slider with play, filters, area profiles for named or drawn areas, a ranked
// table of hot spots, tasking packs and exports. The view lives in the URL's #fragment, so a link reproduces it.
// Works without a basemap (offline), and says so. When everything has loaded, <body> carries data-ready,
// data-areas and data-incidents (counts drawn) for tests and scripts.
'use strict';

(function () {
  const METHOD_LABELS = {
    'coordinate': 'given coordinates', 'rounded-grid': 'rounded grid reference', 'snapped-map-point':
      'police.uk anonymous map point', 'uprn': 'property (UPRN)', 'postcode': 'postcode centroid', 'venue': 'named venue',
    'street': 'street', 'postcode-district': 'postcode district',
    'generalised': 'its data-sharing protocol: shown at the centre of its grid square, not where it happened'
  };
  // The bandwidth rules of hotspot/BandwidthRule.java, as an analyst knows them.
  const BANDWIDTH_RULES = {
    'arcgis': "ArcGIS's default (spatial Silverman) rule", 'scott': "Scott's rule",
    'ppl': 'likelihood cross-validation (spatstat bw.ppl)'
  };
  const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const state = {
    feedLabels: {}, months: [], month: null, from: null, group: '', hours: '', weekdays: new Set(), feeds: new Set(),
    allFeeds: [], feedLevels: {}, summary: null, layers: [], overlays: {}, areaZoomRange: {}, areaIndex: new Map(),
    profileArea: null, profileRequest: null, chart: null, playing: null, highlight: null, basemaps: [],
    basemap: null, basemapLayer: null, failedBasemaps: new Set(), points: null, searchMarker: null,
    baseline: null, hiddenLayers: [], layerRequests: {}, selectionRequests: 0, runs: {}, days: null,
    withheld: new Map(), feedAudited: {}, settledSelection: 0
  };
  // Layers that compare the period with an earlier one (the server's change kinds).
  const CHANGE_KINDS = ['density-change', 'area-change'];
  // The forecast is trained on the period shown and draws the month after it.
  const TIMED_KINDS = ['density', 'area-counts', 'forecast'].concat(CHANGE_KINDS);
  // Surfaces drawn from the records themselves take the hour and day filters (DIM_HOURS, DIM_WEEKDAYS); count layers
  // are monthly tables and draw every hour, which their legend says.
  const HOUR_KINDS = ['density', 'density-change', 'forecast'];
  // British National Grid as the server defines it (geo/Crs.java): the same Helmert shift to WGS84.
  const BNG = '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy '
    + '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
  // Incidents show one by one from this zoom (a neighbourhood); below it they cluster, counted.
  const POINTS_FROM_ZOOM = 15;

  // One canvas for every vector layer: a second canvas on top would swallow the clicks meant for the first.
  // Attribution goes under the map (#attribution), deduplicated, so it never covers the data.
  const map = L.map('map', { preferCanvas: true, zoomControl: true, zoomSnap: 0.25, attributionControl: false })
    .setView([53.41, -2.98], 12);
  L.control.scale({ imperial: false, position: 'bottomleft', maxWidth: 160 }).addTo(map);

  // The cursor's position in British National Grid and in latitude/longitude (the map's centre before the pointer
  // moves, and when it leaves).
  const CursorPosition = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd: function () {
      const box = L.DomUtil.create('div', 'cursor-position');
      box.id = 'cursor-position';
      box.title = 'Position under the pointer (or the map centre): British National Grid easting and northing, '
        + 'then latitude and longitude (WGS84)';
      const show = latlng => {
        const [e, n] = proj4('EPSG:4326', BNG, [latlng.lng, latlng.lat]);
        box.textContent = 'E ' + Math.round(e).toLocaleString('en-GB') + '  N ' + Math.round(n).toLocaleString('en-GB')
          + '  \u00b7  ' + latlng.lat.toFixed(5) + ', ' + latlng.lng.toFixed(5);
        box.dataset.easting = String(Math.round(e));
        box.dataset.northing = String(Math.round(n));
      };
      map.on('mousemove', e => show(e.latlng));
      map.on('mouseout moveend', () => show(map.getCenter()));
      show(map.getCenter());
      return box;
    }
  });
  new CursorPosition().addTo(map);

  // The legend on the map, collapsible: what each shown layer draws and, for surfaces, the units the server's style
  // names ("incidents per km² per month").
  const LegendControl = L.Control.extend({
    options: { position: 'topright' },
    onAdd: function () {
      const details = L.DomUtil.create('details', 'map-legend');
      details.id = 'legend-box';
      details.open = window.innerWidth >= 1000;  // on a small screen the map comes first; the legend opens on a tap
      const summary = L.DomUtil.create('summary', '', details);
      summary.textContent = 'Legend';
      const list = L.DomUtil.create('ul', 'legend', details);
      list.id = 'legend';
      L.DomEvent.disableClickPropagation(details);
      L.DomEvent.disableScrollPropagation(details);
      return details;
    }
  });
  new LegendControl().addTo(map);

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
    document.getElementById('notice-text').textContent = text;
    box.hidden = !text;
  }
  document.getElementById('notice-close').addEventListener('click', () => notice(''));

  // What a refusal means for the person at the screen, in plain words; the server's message is for logs and scripts.
  function refusal(status, action) {
    const signedIn = window.SafeMapAuth && window.SafeMapAuth.session() && window.SafeMapAuth.session().signedIn;
    if (status === 401) return 'Sign in to ' + action + '.';
    if (status === 403) return signedIn ? 'Your account may not ' + action + ' with the feeds selected.'
      : 'Sign in to ' + action + '.';
    if (status === 429 || status === 503) return 'SafeMap is busy; try again in a minute to ' + action + '.';
    if (status === 413) return 'That selection is too large to ' + action + ': narrow the period or the area.';
    return null;
  }

  function status(text) {
    document.getElementById('status').textContent = text;
  }

  async function getJson(url, init) {
    const response = await fetch(url, Object.assign({ headers: { Accept: 'application/json' } }, init));
    const body = await response.json().catch(() => ({}));
    if (init && init.signal) init.signal.throwIfAborted();  // stopped while reading: no answer, not an empty one
    if (!response.ok) {
      throw new Error(body.message || (response.status + ' ' + response.statusText));
    }
    return body;
  }

  // Basemaps are optional: offline machines and locked-down networks still get the data layers. The switcher offers
  // "None" and the configured list; a basemap none of whose tiles load is dropped with one notice, so its tiles are
  // not asked for again and again.
  function setupBasemaps(config, initial) {
    state.basemaps = config.basemaps || [];
    const select = document.getElementById('basemap');
    state.basemaps.forEach((b, i) => select.append(el('option', { value: String(i) }, b.title)));
    if (!state.basemaps.length) {
      notice('No basemap is configured; SafeMap layers are shown on a plain background.');
      select.disabled = true;
    }
    const wanted = initial.basemap === 'none' ? '' : state.basemaps.findIndex(b => b.title === initial.basemap);
    select.value = wanted === '' ? '' : String(wanted >= 0 ? wanted : state.basemaps.length ? 0 : '');
    select.addEventListener('change', () => { showBasemap(select.value); writeHash(); });
    showBasemap(select.value);
  }

  function showBasemap(value) {
    if (state.basemapLayer) { map.removeLayer(state.basemapLayer); state.basemapLayer = null; }
    const b = value === '' ? null : state.basemaps[Number(value)];
    state.basemap = b;
    updateAttribution();
    if (!b) return;
    const options = { maxZoom: 19, maxNativeZoom: b.maxZoom, className: 'basemap-tiles' };
    const layer = b.wmsLayers
      ? L.tileLayer.wms(b.url, Object.assign(options, { layers: b.wmsLayers, format: 'image/png', transparent: false }))
      : L.tileLayer(b.url, options);
    let loaded = 0;
    let failed = 0;
    layer.on('tileload', () => { loaded++; });
    layer.on('tileerror', () => {
      failed++;
      if (loaded === 0 && failed >= 2 && state.basemapLayer === layer) {
        map.removeLayer(layer);
        state.basemapLayer = null;
        state.failedBasemaps.add(b.title);
        const option = document.querySelector('#basemap option[value="' + value + '"]');
        if (option && !option.textContent.endsWith('(could not load)')) option.textContent += ' (could not load)';
        notice('The basemap could not be loaded (' + b.title + '; offline or blocked?). SafeMap layers are still '
          + 'shown; choose another basemap or None.');
      }
    });
    state.basemapLayer = layer.addTo(map);
    layer.bringToBack();
  }

  // One line under the map: each source credited once, however many shown layers draw on it. Credits are compared
  // sentence by sentence, so two layers crediting the same pooled data, one of them adding the boundaries' credit,
  // show the pooled sentence once (as the server's print does, ViewPrinter.credits).
  function updateAttribution() {
    const seen = new Set();
    const parts = [];
    const add = html => {
      if (!html) return;
      const fresh = html.split(/(?<=[.!?])\s+(?=[A-Z<])/).filter(sentence => {
        const key = sentence.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
        if (!key || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (fresh.length) parts.push(fresh.join(' '));
    };
    if (state.basemap) add(state.basemap.attribution);
    // A layer credits the feeds it draws for this account (the server's `credits`, plain text, as the print's), not
    // the catalogue's sentence naming every feed it could draw for anyone.
    state.layers.filter(l => layerBox(l) && layerBox(l).checked)
      .forEach(l => (l.credits ? l.credits.map(escapeHtml) : [l.attribution]).forEach(add));
    const box = document.getElementById('attribution');
    box.innerHTML = '<a href="https://leafletjs.com">Leaflet</a>' + (parts.length ? ' \u00b7 ' + parts.join(' \u00b7 ') : '');
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


  // Plain names of categories and their groups, as the server's summary gives them (the database holds them).
  function groupLabel(code) {
    const categories = state.summary ? state.summary.categories : [];
    const group = categories.find(c => c.group === code);
    if (group) return group.group_label || code;
    const category = categories.find(c => c.code === code);
    return category ? category.label : code;
  }

  // Gi* classes (hot_99, cold_95, none) and emerging classes (new_hot, ...) in words.
  function classLabel(c) {
    if (!c || c === 'none') return 'not significant';
    const m = /^(hot|cold)_(\d+)$/.exec(c);
    if (m) return (m[1] === 'hot' ? 'hot spot' : 'cold spot') + ', ' + m[2] + '% confidence';
    return c.replace(/_/g, ' ');
  }

  function number(n) {
    return Number(n).toLocaleString('en-GB');
  }

  // ---------------------------------------------------------------------------------------------- view state in URL
  function readHash() {
    const h = new URLSearchParams(location.hash.replace(/^#/, ''));
    return {
      month: h.get('m'), from: h.get('p'), basemap: h.get('b'), group: h.get('g') || '', hours: h.get('h') || '',
      weekdays: h.get('d') ? h.get('d').split(',').filter(d => DAYS.includes(d)) : [],
      feeds: h.get('f') ? h.get('f').split(',') : null, layers: h.get('l') ? h.get('l').split(',') : null,
      view: h.get('map') ? h.get('map').split('/').map(Number) : null, area: h.get('a'), baseline: h.get('c'),
      drawn: drawnFromText(h.get('z')), runs: runsFromText(h.get('r')), days: daysFromText(h.get('y'))
    };
  }

  // The days the period is narrowed to, in the address as '2022-07-01..2022-07-14' (both included); null for none.
  function daysFromText(text) {
    const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text || '');
    return m && m[1] <= m[2] ? { from: m[1], to: m[2] } : null;
  }

  // The runs pinned to run layers, in the address as 'layer:id,layer:id'.
  function runsFromText(text) {
    const out = {};
    (text || '').split(',').forEach(pair => {
      const [name, id] = pair.split(':');
      if (/^[a-z0-9-]+$/.test(name || '') && /^[0-9]+$/.test(id || '')) out[name] = Number(id);
    });
    return out;
  }

  // A drawn area in the address: 'c:lon,lat,radiusM' for a circle, 'p:lon,lat;lon,lat;...' for a polygon (its
  // ring, closed), so a link or a reload opens the same area's profile. Null for anything else.
  function drawnText(body) {
    if (!body) return '';
    if (body.circle) return 'c:' + body.circle.center.join(',') + ',' + body.circle.radiusM;
    if (body.geometry && body.geometry.type === 'Polygon') {
      return 'p:' + body.geometry.coordinates[0].map(c => c[0] + ',' + c[1]).join(';');
    }
    return '';
  }

  function drawnFromText(text) {
    if (!text) return null;
    const numbers = t => t.split(',').map(Number);
    if (text.startsWith('c:')) {
      const [lon, lat, r] = numbers(text.slice(2));
      if (![lon, lat, r].every(Number.isFinite) || r <= 0) return null;
      return { body: { circle: { center: [lon, lat], radiusM: r } },
        shape: L.circle([lat, lon], { radius: r, interactive: false }) };
    }
    if (text.startsWith('p:')) {
      const ring = text.slice(2).split(';').map(numbers);
      if (ring.length < 4 || !ring.every(c => c.length === 2 && c.every(Number.isFinite))) return null;
      return { body: { geometry: { type: 'Polygon', coordinates: [ring] } },
        shape: L.polygon(ring.map(c => [c[1], c[0]]), { interactive: false }) };
    }
    return null;
  }

  function writeHash() {
    if (window.SafeMapCustodian && window.SafeMapCustodian.active()) return;  // a custodian page holds the URL
    const c = map.getCenter();
    const params = {
      m: state.month, p: state.from !== state.month ? state.from : '',
      y: state.days ? state.days.from + '..' + state.days.to : '',
      b: state.basemap ? (state.basemap === state.basemaps[0] ? '' : state.basemap.title)
        : state.basemaps.length ? 'none' : '',
      g: state.group, h: state.hours, d: [...state.weekdays].join(','),
      f: state.feeds.size === state.allFeeds.length ? '' : [...state.feeds].join(','),
      l: state.layers.filter(l => layerBox(l).checked).map(l => l.name).concat(state.hiddenLayers).join(','),
      map: map.getZoom().toFixed(2).replace(/\.?0+$/, '') + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5),
      a: state.profileArea && state.profileArea.area ? state.profileArea.area : '',
      z: state.profileArea && state.profileArea.body ? drawnText(state.profileArea.body) : '',
      c: state.baseline || '',
      r: Object.entries(state.runs).map(([name, id]) => name + ':' + id).join(',')
    };
    history.replaceState(null, '', '#' + query(params));
    updatePrintLinks();
  }

  // Print and save the view: the server draws the shown layers over the view's box (British National Grid) as the
  // map service would draw them for this user, with their legends, the period, the filters and the sources. Surfaces
  // and counts go under boundaries, and incidents on top, as on the screen.
  function printParams() {
    const order = l => isVector(l) ? (l.kind === 'areas' ? 1 : 2) : 0;
    const shown = state.layers.filter(l => layerBox(l) && layerBox(l).checked).sort((a, b) => order(a) - order(b));
    const b = map.getBounds();
    const corners = [b.getSouthWest(), b.getNorthWest(), b.getNorthEast(), b.getSouthEast()]
      .map(c => proj4('EPSG:4326', BNG, [c.lng, c.lat]));
    const es = corners.map(c => c[0]);
    const ns = corners.map(c => c[1]);
    const bbox = [Math.min(...es), Math.min(...ns), Math.max(...es), Math.max(...ns)].map(v => v.toFixed(1)).join(',');
    const named = shown.filter(l => l.kind !== 'areas').map(l => l.title);
    // one TIME for every layer printed: the days, unless a layer of whole months only is among them
    const time = mapTime(shown.some(l => TIMED_KINDS.includes(l.kind) && monthsOnly(l)));
    const title = ((named.length ? named.join(', ') : 'SafeMap') + ', ' + rangeLabel(time.replace('/', '..')))
      .slice(0, 120);
    const p = { bbox: bbox, layers: shown.map(l => l.name).join(','), title: title,
      time: time,
      category: state.group, feed: selectedFeeds(), hours: state.hours, weekdays: [...state.weekdays].join(',') };
    const base = baseline();
    if (shown.some(l => CHANGE_KINDS.includes(l.kind)) && base) p.baseline = base.replace('..', '/');
    const pinned = shown.filter(l => state.runs[l.name]);
    if (pinned.length === 1) p.run = state.runs[pinned[0].name];
    return { params: p, count: shown.length };
  }

  function updatePrintLinks() {
    const pdf = document.getElementById('print-pdf');
    const png = document.getElementById('print-png');
    if (!pdf || !state.month) return;
    const { params, count } = printParams();
    [[pdf, 'pdf'], [png, 'png']].forEach(([link, format]) => {
      link.href = '/api/print?' + query(Object.assign({ format: format }, params));
      link.setAttribute('aria-disabled', count ? 'false' : 'true');
    });
    document.getElementById('print-help').textContent = count ? 'The map as shown, with its legend, scale bar, '
      + 'period, filters and sources; the basemap is not printed.' : 'Switch on a layer to print it.';
  }

  // ------------------------------------------------------------------------------------------------------ layers
  // Layers the server renders (density surfaces, choropleths) come as tiles from the map service.
  function isVector(layer) {
    return layer.kind === 'areas' || layer.kind === 'points';
  }

  function layerBox(layer) {
    return document.getElementById('layer-' + layer.name);
  }

  function selectedFeeds() {
    return state.feeds.size === state.allFeeds.length ? '' : [...state.feeds].join(',');
  }

  // SafeMap's tiles, asked for again after a pause when they fail. A busy server refuses a tile it cannot draw within
  // its wait (429 or 503, with Retry-After, never cached); an image cannot read the status, so any failure is retried,
  // up to six times over about half a minute, with growing, jittered pauses so that a screenful of refused tiles does
  // not come back all at once. Only then does the tile count as failed. A tile removed from the map meanwhile is not
  // asked for again.
  const RetryingTiles = L.TileLayer.extend({
    createTile(coords, done) {
      const tile = document.createElement('img');
      const url = this.getTileUrl(coords);
      let tries = 0;
      L.DomEvent.on(tile, 'load', L.Util.bind(this._tileOnLoad, this, done, tile));
      L.DomEvent.on(tile, 'error', e => {
        if (tries >= 6) { this._tileOnError(done, tile, e); return; }
        tries++;
        setTimeout(() => { if (tile.parentNode && this._map) tile.src = url; },
          Math.min(8000, 1000 * Math.pow(2, tries - 1)) + Math.random() * 1000);
      });
      tile.alt = '';
      tile.setAttribute('role', 'presentation');
      tile.src = url;
      return tile;
    }
  });

  // The dimensions a map-service layer is drawn with for the selection shown (tiles and, for a forecast, its legend).
  function layerDims(layer) {
    const params = {};
    if (!TIMED_KINDS.includes(layer.kind)) return params;
    if (state.month) params.time = mapTime(monthsOnly(layer));
    if (state.group) params.category = state.group;
    if (selectedFeeds()) params.feed = selectedFeeds();
    Object.assign(params, hourDims(layer));
    return params;
  }

  // The hour and day filters as tiles take them, for the layers that apply them.
  function hourDims(layer) {
    const params = {};
    if (!HOUR_KINDS.includes(layer.kind)) return params;
    if (state.hours) params.hours = state.hours;
    if (state.weekdays.size) params.weekdays = [...state.weekdays].join(',');
    return params;
  }

  function wmsDims(dims) {
    const out = {};
    if (dims.time) out.TIME = dims.time;
    if (dims.category) out.DIM_CATEGORY = dims.category;
    if (dims.feed) out.DIM_FEED = dims.feed;
    if (dims.hours) out.DIM_HOURS = dims.hours;
    if (dims.weekdays) out.DIM_WEEKDAYS = dims.weekdays;
    return out;
  }

  // The address of a map-service layer's tiles ({z}/{x}/{y} left to fill) for the filters shown and the period
  // given as TIME (the one shown, or a month beside it fetched ahead); null when the layer has nothing to draw
  // yet (a change layer without a baseline, a run layer without a run). One function for both, so a tile fetched
  // ahead has the very address the map asks for later, which is what the browser's cache is keyed by.
  function tileTemplate(layer, time) {
    const timed = TIMED_KINDS.includes(layer.kind);
    const params = {};
    if (timed && time) params.time = time;
    if (CHANGE_KINDS.includes(layer.kind)) {
      const base = baseline();
      if (!base) return null;
      params.baseline = base.replace('..', '/');
    }
    if (layer.runs) {
      // A run layer draws the run the reader picked, never whichever run is newest: someone else ranking hot spots
      // must not change what this map means.
      if (!state.runs[layer.name]) return null;
      params.run = state.runs[layer.name];
    }
    if (timed) {
      if (state.group) params.category = state.group;
      if (selectedFeeds()) params.feed = selectedFeeds();
      Object.assign(params, hourDims(layer));
    }
    const q = query(params);
    return '/tiles/' + encodeURIComponent(layer.name) + '/{z}/{x}/{y}.png' + (q ? '?' + q : '');
  }

  function tileLayer(layer) {
    const url = tileTemplate(layer, state.month ? mapTime(monthsOnly(layer)) : null);
    if (!url) {
      status(CHANGE_KINDS.includes(layer.kind)
        ? 'Choose a baseline under "Compare two periods" to draw ' + layer.title + '.'
        : 'No run of ' + layer.title + ' has finished yet, so it draws nothing. Rank hot spots to make one.');
      return { group: L.layerGroup(), count: 0 };
    }
    const options = { maxZoom: 19, opacity: 1, className: 'safemap-tiles' };
    // Tiles beyond where the server says the layer can draw anything would be empty: not asked for, they leave the
    // browser's few connections to the tiles and incidents that carry data.
    if (layer.bounds) {
      const [w, s, e, n] = layer.bounds;
      options.bounds = L.latLngBounds([s, w], [n, e]);
    }
    const tiles = new RetryingTiles(url, options);
    tiles.on('tileerror', () => status('Some tiles of ' + layer.title + ' could not be drawn for this selection.'));
    return { group: tiles, count: 0 };
  }

  async function loadAreas(layer) {
    const zoom = Math.round(map.getZoom());
    const data = await getJson(layer.api + '?' + query(Object.assign({ zoom: zoom }, layer.params)));
    const geo = L.geoJSON(data, {
      style: f => pathStyle(ruleFor(layer, f.properties)),
      onEachFeature: (f, shape) => {
        const p = f.properties;
        state.areaIndex.set(p.code, { level: p.level, code: p.code, name: p.name, shape: shape });
        shape.bindTooltip(escapeHtml(p.name) + ' (' + escapeHtml(p.code) + ')', { sticky: true });
        shape.on('click', () => {
          if (window.SafeMapDraw.active()) return;  // clicks belong to the drawing
          openProfile({ area: p.level + ':' + p.code, shape: L.geoJSON(f, { interactive: false }) }, shape.getBounds());
        });
        shape.on('mouseover', () => shape.setStyle({ weight: 3 }));
        shape.on('mouseout', () => geo.resetStyle(shape));
      }
    });
    return { group: geo, count: data.features.length, bounds: data.features.length ? geo.getBounds() : null,
      zoomRange: data.zoomRange || [zoom, zoom] };
  }

  // Hour and day filters keep records timed to the hour; police.uk's monthly records have no hour.
  function passesTimeFilter(p) {
    if (!state.hours && state.weekdays.size === 0) return true;
    const from = new Date(p.from);
    if (new Date(p.to) - from > 3600000) return false;
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23',
      weekday: 'short' }).formatToParts(from);
    const hour = Number(parts.find(x => x.type === 'hour').value);
    const day = parts.find(x => x.type === 'weekday').value.toLowerCase().slice(0, 3);
    if (state.weekdays.size && !state.weekdays.has(day)) return false;
    return !state.hours || hourSet(state.hours).has(hour);
  }

  function hourSet(text) {
    const out = new Set();
    text.split(',').forEach(part => {
      const [a, b] = part.split('-').map(Number);
      if (b === undefined) { out.add(a); return; }
      for (let h = a; ; h = (h + 1) % 24) { out.add(h); if (h === b) break; }
    });
    return out;
  }

  // The period's incidents for the points layer. At city scale they cluster (supercluster: a count per cluster,
  // which opens to its parts on a click); from neighbourhood zoom each is drawn on the one canvas, so 50,000 stay
  // smooth: only the clusters and points in view are ever drawn.
  async function loadPoints(layer) {
    const group = L.layerGroup();
    const when = pointsWhen(apiPeriod());
    const requests = recordFeeds().map(feed => {
      const params = pointParams(layer, feed, when, state.group);
      const trimmed = state.feedLevels[feed] === 'points';
      return pointsOf(layer, feed, when, state.group).then(data => ({ data: data, detail: trimmed ? params : null }));
    });
    const results = await Promise.all(requests);
    let truncated = false;
    const features = [];
    results.forEach(({ data, detail }) => {
      truncated = truncated || data.truncated;
      data.features.forEach(f => {
        if (!passesTimeFilter(f.properties)) return;
        if (detail) f.detail = detail;
        features.push(f);
      });
    });
    return { group: group, features: features, count: features.length, truncated: truncated };
  }

  // Records only of feeds this user may see record by record (as stored, or generalised to a grid); the others
  // are counted in the area layers at the level their protocols allow.
  function recordFeeds() {
    return [...state.feeds].filter(f => ['points', 'reduced'].includes(state.feedLevels[f]));
  }

  // A period as /api/incidents takes it ('2022-07', '2022-05..2022-07', days): from/to take months or days, both
  // included.
  function pointsWhen(period) {
    const [from, to] = period.split('..');
    return to ? { from: from, to: to } : from.length === 7 ? { month: from } : { from: from, to: from };
  }

  // One feed's records for the points layer. Up to the API's most per request (50,000 a feed): the clusters and the
  // canvas keep that many smooth. A feed shown as stored comes with only what the map needs (the style's properties,
  // the group and the time filter's); a popup asks for the rest of its one record. A generalised feed's records have
  // no id to ask by, and few properties.
  function pointParams(layer, feed, when, category) {
    const params = Object.assign({ feed: feed, category: category, limit: 50000 }, when);
    if (state.feedLevels[feed] === 'points') {
      params.properties = [...new Set(['feed', 'from', 'to', 'group'].concat(styleProperties(layer)))].join(',');
    }
    return params;
  }

  // Answers of /api/incidents for the points layer, by address, kept for a minute, as the browser keeps a tile
  // (MapHandlers: max-age=60): a month stepped back to, or one fetched ahead while the map was idle
  // (prefetchNeighbours), is drawn without asking again. The minute bounds how stale a month seen again can be
  // after a load, as for tiles. At most POINT_ANSWERS are kept (each a feed's month, a few MB at most as objects).
  const POINT_ANSWERS = 12;
  const POINT_ANSWER_MS = 60000;
  const pointAnswers = new Map();

  function keptPoints(url) {
    const kept = pointAnswers.get(url);
    if (!kept) return null;
    pointAnswers.delete(url);
    if (Date.now() - kept.at >= POINT_ANSWER_MS) return null;
    pointAnswers.set(url, kept);  // the most recently used goes last, the least first out
    return kept.data;
  }

  function pointAnswer(url, init) {
    const kept = keptPoints(url);
    if (kept) return kept;
    const data = getJson(url, init);
    pointAnswers.set(url, { at: Date.now(), data: data });
    // a failed answer is not kept: the next look asks again
    data.catch(() => { if (pointAnswers.get(url) && pointAnswers.get(url).data === data) pointAnswers.delete(url); });
    while (pointAnswers.size > POINT_ANSWERS) pointAnswers.delete(pointAnswers.keys().next().value);
    return data;
  }

  // A feed's records for a group: taken from the same feed's answer for every group when one is kept and whole (not
  // cut at the limit), since the server's filter (the category or group named) then picks exactly the records whose
  // group it is; else asked for. A group change then waits only for its surfaces.
  async function pointsOf(layer, feed, when, category) {
    const url = layer.api + '?' + query(pointParams(layer, feed, when, category));
    const wholeUrl = layer.api + '?' + query(pointParams(layer, feed, when, ''));
    const whole = category && !keptPoints(url) && groupOnly(category) ? keptPoints(wholeUrl) : null;
    if (whole) {
      const all = await whole.catch(() => null);
      if (all && !all.truncated) {
        const features = all.features.filter(f => f.properties.group === category);
        return Object.assign({}, all, { features: features, numberReturned: features.length });
      }
    }
    // an answer being fetched ahead and stopped (the step came first) is asked for again, now for the step
    return pointAnswer(url).catch(e => e.name === 'AbortError' ? pointAnswer(url) : Promise.reject(e));
  }

  // Whether a code names a category group and no category of another group (the server matches either).
  function groupOnly(code) {
    const categories = state.summary ? state.summary.categories : [];
    return categories.some(c => c.group === code) && categories.every(c => c.code !== code || c.group === code);
  }

  function drawPoints() {
    const p = state.points;
    if (!p) return;
    p.group.clearLayers();
    const b = map.getBounds().pad(0.2);
    const zoom = Math.floor(map.getZoom());
    const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const items = zoom >= POINTS_FROM_ZOOM ? pointsIn(p.features, box) : clusterIndex(p).getClusters(box, zoom);
    let clusters = 0;
    items.forEach(f => {
      const [lon, lat] = f.geometry.coordinates;
      if (f.properties.cluster) {
        clusters++;
        const n = f.properties.point_count;
        const size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 40 : 48;
        const marker = L.marker([lat, lon], {
          icon: L.divIcon({ className: 'cluster', html: '<span>' + f.properties.point_count_abbreviated + '</span>',
            iconSize: [size, size] }),
          title: number(n) + ' incidents here: zoom in to see them', alt: number(n) + ' incidents', riseOnHover: true
        });
        marker.on('click', () => {
          if (window.SafeMapDraw.active()) return;
          map.setView([lat, lon],
            Math.min(clusterIndex(p).getClusterExpansionZoom(f.properties.cluster_id), POINTS_FROM_ZOOM));
        });
        marker.addTo(p.group);
        return;
      }
      incidentMarker(p.layer, f).addTo(p.group);
    });
    document.body.dataset.clusters = String(clusters);
  }

  // The clusters of the points shown (supercluster: a tree per zoom up to the city scale), made the first time the
  // map is drawn below POINTS_FROM_ZOOM: building them is most of the page's work on a month's records, which a
  // month or filter change at neighbourhood zoom, drawing each point, does not need.
  function clusterIndex(p) {
    if (!p.index) {
      p.index = new Supercluster({ radius: 60, maxZoom: POINTS_FROM_ZOOM - 1, minPoints: 3 });
      p.index.load(p.features);
    }
    return p.index;
  }

  // The points within [west, south, east, north], as the clusters' index gives them beyond its last zoom.
  function pointsIn(features, box) {
    const [w, s, e, n] = box;
    return features.filter(f => {
      const [lon, lat] = f.geometry.coordinates;
      return lon >= w && lon <= e && lat >= s && lat <= n;
    });
  }

  // The properties a layer's style rules read (for the points, the category group).
  function styleProperties(layer) {
    const out = [];
    const walk = f => {
      if (!f) return;
      if (f.property) out.push(f.property);
      (f.filters || []).forEach(walk);
    };
    layer.style.rules.forEach(r => walk(r.filter));
    return out;
  }

  function incidentMarker(layer, f) {
    const [lon, lat] = f.geometry.coordinates;
    const marker = L.circleMarker([lat, lon], pathStyle(ruleFor(layer, f.properties)));
    if (!f.detail) return marker.bindPopup(() => incidentPopup(f.properties, f.id));
    // The record's other properties, asked for as the map's were (same feed, period and filter) at its point
    marker.bindPopup('<div class="popup"><p>Loading \u2026</p></div>');
    marker.on('popupopen', async () => {
      if (!f.full) {
        const d = 0.000002;  // coordinates come to six decimals
        const box = [lon - d, lat - d, lon + d, lat + d].map(v => v.toFixed(6)).join(',');
        const params = Object.assign({}, f.detail, { bbox: box });
        delete params.properties;
        try {
          const data = await getJson(layer.api + '?' + query(params));
          const match = data.features.find(g => g.id === f.id);
          f.full = match ? match.properties : null;
        } catch (e) {
          marker.setPopupContent('<div class="popup"><p>Could not load this incident: ' + escapeHtml(e.message)
            + '</p></div>');
          return;
        }
      }
      marker.setPopupContent(f.full ? incidentPopup(f.full, f.id)
        : '<div class="popup"><p>This incident is no longer in the data.</p></div>');
    });
    return marker;
  }

  function incidentPopup(p, id) {
    return '<div class="popup"><h3>' + escapeHtml(p.sourceCategory) + '</h3>'
      + '<p>' + escapeHtml(p.location || 'Location not given') + '</p>'
      + '<p>' + escapeHtml(when(p)) + ' &middot; ' + escapeHtml(state.feedLabels[p.feed] || p.feed) + '</p>'
      + '<p class="fine">Located by ' + escapeHtml(METHOD_LABELS[p.geocodeMethod] || p.geocodeMethod)
      + ', to within about ' + Math.round(p.precisionM) + ' m.'
      + (p.eventId && p.eventId !== id ? ' Linked to a record of the same event in another feed.' : '') + '</p>'
      + '</div>';
  }

  // police.uk gives whole months; other feeds give a date and time.
  function when(p) {
    const from = new Date(p.from);
    const to = new Date(p.to);
    if (to - from > 2 * 86400000) return p.month;
    return from.toLocaleString('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short',
      year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  // A layer asked for again before its last answer came (the slider moved on by key) keeps only the newest answer:
  // an older one arriving late would otherwise stay drawn under it and be counted as the period shown.
  async function refreshLayer(layer) {
    const request = (state.layerRequests[layer.name] || 0) + 1;
    state.layerRequests[layer.name] = request;
    removeOverlay(layer);
    if (!layerBox(layer).checked) return null;
    const result = !isVector(layer) ? tileLayer(layer)
      : layer.kind === 'areas' ? await loadAreas(layer) : await loadPoints(layer);
    if (state.layerRequests[layer.name] !== request) return Object.assign(result, { superseded: true });
    removeOverlay(layer);
    if (layer.kind === 'areas') state.areaZoomRange[layer.name] = result.zoomRange;
    if (layer.kind === 'points') {
      state.points = { layer: layer, group: result.group, features: result.features, index: null };
      drawPoints();
    }
    state.overlays[layer.name] = result.group.addTo(map);
    if (layer.kind === 'areas') result.group.bringToBack();
    return result;
  }

  function removeOverlay(layer) {
    if (state.overlays[layer.name]) {
      map.removeLayer(state.overlays[layer.name]);
      delete state.overlays[layer.name];
    }
    if (layer.kind === 'points') state.points = null;
  }

  // Everything that depends on the selection: points, surfaces, the open profile, the export link, the URL.
  async function refreshSelection() {
    // Only the newest selection reports: an older one still loading must not put its count under the new label.
    const selection = ++state.selectionRequests;
    cancelPrefetch();  // what is fetched ahead must not take a connection or a slot from what was asked for
    const label = periodLabel();
    status('Loading ' + label + ' \u2026');
    document.getElementById('period-label').textContent = label;
    updateExportLink();
    writeHash();
    try {
      let shown = 0;
      let truncated = false;
      // Surfaces first: their tiles are asked for at once and drawn by the server while the incidents load.
      for (const layer of state.layers.filter(l => !isVector(l))) {
        await refreshLayer(layer);
      }
      for (const layer of state.layers.filter(l => l.kind === 'points')) {
        const r = await refreshLayer(layer);
        if (r) { shown += r.count; truncated = truncated || r.truncated; }
      }
      if (selection !== state.selectionRequests) return;
      document.body.dataset.incidents = String(shown);
      status(number(shown) + ' incidents shown for ' + label
        + (truncated ? ' (limit reached: zoom in or filter)' : '') + '.');
      renderLegend();
      updateAttribution();
      if (state.baseline) await loadChanges();
      if (state.profileArea) await loadProfile();
      if (selection === state.selectionRequests) {
        state.settledSelection = selection;
        schedulePrefetch();
      }
    } catch (e) {
      if (selection === state.selectionRequests) status('Could not load incidents: ' + e.message);
    }
  }

  // ------------------------------------------------------------------------------- the months beside the one shown
  // Once the map has been idle a moment, the periods a slider step, an arrow key or Play goes to next (the period
  // moved a month back and a month on, its length kept; only the next while playing) are fetched ahead, at low
  // priority: the tiles now in view of each density or count layer shown, into the browser's cache (and so drawn
  // into the server's), and the records of feeds whose reading is not audited, into pointAnswers. The step then
  // draws from what is already here instead of waiting for the server to read and draw a month it has not seen.
  // Bounded: only layers shown, only the tiles in view, two requests at a time, never for days (a step clears them)
  // nor for layers costly to draw (change layers read two surfaces, a forecast fits a model); stopped by any new
  // selection, move or layer switched, and paused for a minute by any busy answer (429 or 503: the requester's rate
  // or slots are spent, and what they ask for comes first).
  const PREFETCH_KINDS = ['density', 'area-counts'];
  const PREFETCH_IDLE_MS = 400;
  const PREFETCH_PAUSE_MS = 60000;
  const prefetch = { timer: null, abort: null, pausedUntil: 0 };

  function schedulePrefetch() {
    cancelPrefetch();
    prefetch.timer = setTimeout(() => { prefetch.timer = null; prefetchNeighbours(); }, PREFETCH_IDLE_MS);
  }

  function cancelPrefetch() {
    if (prefetch.timer) clearTimeout(prefetch.timer);
    prefetch.timer = null;
    if (prefetch.abort) prefetch.abort.abort();
    prefetch.abort = null;
  }

  // The periods a step goes to from the one shown, as {from, month}.
  function neighbourPeriods() {
    if (state.days || !state.month) return [];
    const length = periodMonths();
    const i = state.months.indexOf(state.month);
    return (state.playing ? [i + 1] : [i - 1, i + 1])
      .filter(j => j >= length - 1 && j < state.months.length)
      .map(j => ({ from: state.months[j - length + 1], month: state.months[j] }));
  }

  async function prefetchNeighbours() {
    if (Date.now() < prefetch.pausedUntil || document.hidden) return;
    // not while the selection shown is still loading (its end schedules this), nor while tiles in view are: they
    // come first
    if (state.settledSelection !== state.selectionRequests) return;
    const tiles = state.layers.filter(l => !isVector(l) && state.overlays[l.name] && state.overlays[l.name].isLoading);
    if (tiles.some(l => state.overlays[l.name].isLoading())) {
      schedulePrefetch();
      return;
    }
    const periods = neighbourPeriods();
    if (!periods.length) return;
    const abort = new AbortController();
    prefetch.abort = abort;
    const points = state.layers.find(l => l.kind === 'points' && layerBox(l).checked);
    if (points) {
      periods.forEach(p => recordFeeds().filter(f => state.feedAudited[f] === false).forEach(feed => {
        // the very address loadPoints asks for when the step comes (apiPeriod's form)
        const period = p.from === p.month ? p.month : p.from + '..' + p.month;
        const url = points.api + '?' + query(pointParams(points, feed, pointsWhen(period), state.group));
        pointAnswer(url, { priority: 'low', signal: abort.signal }).catch(() => {});
      }));
    }
    const urls = [];
    state.layers.filter(l => PREFETCH_KINDS.includes(l.kind) && layerBox(l).checked && state.overlays[l.name])
      .forEach(l => {
        const coords = Object.values(state.overlays[l.name]._tiles || {}).filter(t => t.current).map(t => t.coords);
        periods.forEach(p => {
          const template = tileTemplate(l, monthsTime(p.from, p.month));
          if (template) coords.forEach(c => urls.push(L.Util.template(template, c)));
        });
      });
    let next = 0;
    const worker = async () => {
      while (next < urls.length && !abort.signal.aborted) {
        const url = urls[next++];
        try {
          const response = await fetch(url, { signal: abort.signal, priority: 'low', credentials: 'same-origin' });
          await response.blob();
          if (response.status === 429 || response.status === 503) {
            prefetch.pausedUntil = Date.now() + PREFETCH_PAUSE_MS;
            abort.abort();
          }
        } catch (e) {
          return;  // stopped, or the network failed: the step will ask for itself
        }
      }
    };
    await Promise.all([worker(), worker()]);
    if (prefetch.abort === abort) prefetch.abort = null;
  }

  // The period shown: one month, whole months from-to (both included), or the days chosen inside them.
  function periodLabel() {
    return state.days ? daysLabel(state.days.from, state.days.to) : monthsLabel();
  }

  // The whole months chosen, whatever the days: what count layers, the forecast and comparisons show.
  function monthsLabel() {
    return rangeLabel(state.from + '..' + state.month);
  }

  // '1 to 14 July 2022', '28 June to 3 July 2022', '30 December 2021 to 2 January 2022', '14 July 2022'.
  function daysLabel(from, to) {
    const date = (d, parts) => new Date(d + 'T00:00:00Z').toLocaleDateString('en-GB', Object.assign({ timeZone: 'UTC' },
      parts));
    const full = { day: 'numeric', month: 'long', year: 'numeric' };
    if (from === to) return date(from, full);
    const start = from.slice(0, 4) !== to.slice(0, 4) ? date(from, full)
      : from.slice(0, 7) !== to.slice(0, 7) ? date(from, { day: 'numeric', month: 'long' }) : String(Number(from.slice(8)));
    return start + ' to ' + date(to, full);
  }

  // A layer the map service draws in whole months only (its catalogue entry says days: false: count tables, the
  // forecast), or one compared with a baseline of months: it takes the months the days lie in.
  function monthsOnly(layer) {
    return layer.days === false || CHANGE_KINDS.includes(layer.kind);
  }

  // The period as the map service's TIME: the days chosen ('2022-07-01/2022-07-14'), or the whole months
  // ('2022-07', '2022-05/2022-07'), which is also what a layer of whole months only is sent.
  function mapTime(wholeMonths) {
    if (state.days && !wholeMonths) {
      return state.days.from === state.days.to ? state.days.from : state.days.from + '/' + state.days.to;
    }
    return monthsTime(state.from, state.month);
  }

  // Whole months from-to as the map service's TIME.
  function monthsTime(from, to) {
    return from === to ? to : from + '/' + to;
  }

  // The same period as the API's period ('2022-07-01..2022-07-14', '2022-07', '2022-05..2022-07').
  function apiPeriod(wholeMonths) {
    return mapTime(wholeMonths).replace('/', '..');
  }

  // 'January to April 2022' for '2022-01..2022-04'; one month by its name; days as daysLabel writes them.
  function rangeLabel(range) {
    const [from, to] = range.split('..');
    if (from.length === 10) return daysLabel(from, to || from);
    if (!to || from === to) return monthLabel(from);
    const [fy] = from.split('-');
    const [ty] = to.split('-');
    const first = monthLabel(from);
    return (fy === ty ? first.replace(' ' + fy, '') : first) + ' to ' + monthLabel(to);
  }

  // The period compared with: the one chosen, or else the same number of months just before the period (the
  // server's default too); null when the period starts with the data.
  function baseline() {
    if (state.baseline) return state.baseline;
    const i = state.months.indexOf(state.from);
    if (i <= 0) return null;
    const last = state.months[i - 1];
    const first = state.months[Math.max(0, i - periodMonths())];
    return first + '..' + last;
  }

  function periodMonths() {
    return state.months.indexOf(state.month) - state.months.indexOf(state.from) + 1;
  }

  function monthLabel(m) {
    if (!m) return '';
    const [y, mm] = m.split('-').map(Number);
    return new Date(Date.UTC(y, mm - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  }

  function renderLegend() {
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    const counts = {};
    (state.summary ? state.summary.categories : []).forEach(c => { counts[c.group] = (counts[c.group] || 0) + c.count; });
    state.layers.forEach(layer => {
      const box = layerBox(layer);
      if (!box || !box.checked) return;
      if (!isVector(layer)) {
        // The classes are the server's (GetLegendGraphic draws the style it resolved); the units are its style's title.
        const units = layer.style && layer.style.title ? layer.style.title : '';
        legend.append(el('li', { class: 'legend-layer' }, el('strong', {}, layer.title),
          units ? el('span', { class: 'units' }, units + (CHANGE_KINDS.includes(layer.kind) && baseline()
            ? ', ' + monthsLabel() + ' against ' + rangeLabel(baseline())
            : layer.kind === 'forecast' ? ', trained on ' + monthsLabel()
            : TIMED_KINDS.includes(layer.kind) ? ', ' + (monthsOnly(layer) ? monthsLabel() : periodLabel()) : '')
            + hourLabel(layer)) : '',
          hoursNotApplied(layer) ? el('span', { class: 'units hours-note' }, hoursNotApplied(layer)) : '',
          withheldNote(layer),
          layer.runs ? el('span', { class: 'units run-title' }, runTitle(layer) || 'No run has finished yet') : '',
          el('img', { alt: 'Legend: ' + layer.title + (units ? ', ' + units : ''), src: '/wms?' + query(Object.assign({
            SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', VERSION: '1.3.0', FORMAT: 'image/png', LAYER: layer.name },
            // a forecast's legend states its validation on the period shown
            layer.kind === 'forecast' ? wmsDims(layerDims(layer)) : {})) })));
        legendSources(legend, layer);
        return;
      }
      layer.style.rules.filter(drawn).forEach(rule => {
        const style = pathStyle(rule);
        const swatch = el('span', { class: 'swatch' + (layer.kind === 'areas' ? ' area' : '') });
        swatch.style.background = style.fill ? rgba(style.fillColor, Math.max(style.fillOpacity, 0.15)) : 'transparent';
        if (layer.kind === 'areas') swatch.style.border = '2px solid ' + style.color;
        const label = layer.kind === 'areas' ? layer.title : rule.title;
        if (layer.kind === 'points' && map.getZoom() < POINTS_FROM_ZOOM && rule === layer.style.rules.filter(drawn)[0]) {
          const cluster = el('span', { class: 'swatch cluster-swatch' });
          legend.append(el('li', {}, cluster, el('span', {}, 'Cluster of incidents (count); zoom in to see each')));
        }
        const item = el('li', {}, swatch, el('span', {}, label));
        const group = rule.filter && rule.filter.op === 'compare' ? rule.filter.literal : null;
        if (layer.kind === 'points' && counts[group] != null) {
          item.append(el('span', { class: 'count', title: 'records in all months' }, number(counts[group])));
        }
        legend.append(item);
      });
      legendSources(legend, layer);
    });
  }

  function runTitle(layer) {
    const run = (layer.runs || []).find(r => r.id === state.runs[layer.name]);
    return run ? run.title.replace(/^run /, 'Run ') : '';
  }

  // ", hours 22-3, fri, sat" on the legend of a surface drawn for the hour and day filters.
  function hourLabel(layer) {
    const d = hourDims(layer);
    return (d.hours ? ', hours ' + d.hours : '') + (d.weekdays ? ', ' + d.weekdays.split(',').join(', ') : '');
  }

  // What the layer leaves out for this user with the filters shown (feeds shared as monthly counts are not drawn for
  // days or hours), in the server's words: the map service decides, the legend only says it. Answers are kept per
  // question, so redrawing the legend asks nothing new.
  function withheldNote(layer) {
    const note = el('span', { class: 'units withheld-note', hidden: true, 'data-layer': layer.name });
    if (!TIMED_KINDS.includes(layer.kind) || !state.month) return note;
    const params = layerDims(layer);
    if (CHANGE_KINDS.includes(layer.kind)) {
      if (!baseline()) return note;
      params.baseline = baseline().replace('..', '/');
    }
    const url = '/api/layers/' + encodeURIComponent(layer.name) + '/withheld?' + query(params);
    if (!state.withheld.has(url)) state.withheld.set(url, getJson(url).catch(() => ({})));
    state.withheld.get(url).then(answer => {
      note.textContent = answer.notice || '';
      note.hidden = !answer.notice;
      note.dataset.answered = 'true';
    });
    return note;
  }

  // In plain words, when the hour or day filter is set but a layer cannot apply it.
  function hoursNotApplied(layer) {
    if (!TIMED_KINDS.includes(layer.kind) || HOUR_KINDS.includes(layer.kind)) return '';
    if (!state.hours && !state.weekdays.size) return '';
    return 'Counts of every hour and day: these are monthly tables, so the hour and day filters do not change them.';
  }

  // Which feeds a layer draws for this user, under which protocol, at which level (points, reduced, aggregates).
  function legendSources(legend, layer) {
    if (!layer.sources || !layer.sources.length) return;
    const list = el('ul', { class: 'layer-sources' });
    layer.sources.forEach(s => list.append(el('li', {}, el('strong', {}, s.label || s.feed),
      s.partner ? ' (' + s.partner + ')' : '', ': ', el('span', { class: 'fine' }, s.protocol + ', version '
        + s.protocolVersion + '; shown as ' + s.level))));
    legend.append(el('li', { class: 'sources-item' }, el('details', {}, el('summary', { class: 'fine' },
      'What ' + layer.title + ' draws on'), list)));
  }

  function updateExportLink() {
    const link = document.getElementById('export-points');
    const params = { period: apiPeriod(), category: state.group, feed: selectedFeeds() };
    link.href = '/api/exports/incidents.csv?' + query(params);
    link.textContent = 'Download the incidents of ' + periodLabel() + ' (CSV)';
  }

  // ----------------------------------------------------------------------------------------------------- profile
  // The profile and the ranking cover the period chosen; for a single month, the twelve months up to it, so the
  // trend has something to show.
  function profilePeriod() {
    if (state.days || state.from !== state.month) return apiPeriod();
    const i = state.months.indexOf(state.month);
    const from = state.months[Math.max(0, i - 11)];
    return from === state.month ? state.month : from + '..' + state.month;
  }

  // A profile counts records exactly, so it takes only feeds this user may see as points; with no feed filter the
  // server chooses them, and names the rest.
  function selectionParams() {
    const p = { period: profilePeriod() };
    if (state.group) p.categories = state.group;
    if (selectedFeeds()) {
      const exact = [...state.feeds].filter(f => state.feedLevels[f] === 'points');
      p.feeds = (exact.length ? exact : [...state.feeds]).join(',');
    }
    if (state.hours) p.hours = state.hours;
    if (state.weekdays.size) p.weekdays = [...state.weekdays].join(',');
    return p;
  }

  function openProfile(request, bounds) {
    state.profileArea = request;
    if (state.highlight) { map.removeLayer(state.highlight); state.highlight = null; }
    if (request.shape) state.highlight = request.shape.setStyle({ color: '#b91c1c', weight: 3, fill: false }).addTo(map);
    if (bounds && !map.getBounds().contains(bounds)) map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
    writeHash();
    return loadProfile();
  }

  async function loadProfile() {
    cancelPrefetch();
    const panel = document.getElementById('profile');
    const body = document.getElementById('profile-body');
    const r = state.profileArea;
    panel.hidden = false;
    body.replaceChildren(el('p', { class: 'fine' }, 'Loading the profile\u2026'));
    const ticket = {};
    state.profileRequest = ticket;
    try {
      let p;
      if (r.area) {
        p = await getJson('/api/profile?' + query(Object.assign({ area: r.area }, selectionParams())));
      } else {
        const response = await fetch('/api/profile', { method: 'POST', headers: { 'Content-Type': 'application/json',
          Accept: 'application/json' }, body: JSON.stringify(Object.assign({}, r.body, selectionParams())) });
        p = await response.json();
        if (!response.ok) throw new Error(p.message || response.statusText);
      }
      if (state.profileRequest !== ticket) return;  // a newer request took over
      renderProfile(p);
      panel.dataset.code = p.area.code || 'drawn';
      panel.dataset.records = String(p.records);
      panel.dataset.incidents = String(p.incidents);
    } catch (e) {
      if (state.profileRequest === ticket) body.replaceChildren(el('p', { class: 'error' }, 'Could not load the profile: ' + e.message));
    }
  }

  function renderProfile(p) {
    const body = document.getElementById('profile-body');
    const a = p.area;
    const parts = [];
    const head = el('div', { class: 'profile-head' }, el('h2', { id: 'profile-title' }, a.name),
      el('p', { class: 'fine' }, a.level === 'drawn'
        ? 'Drawn area, ' + a.areaKm2.toFixed(2) + ' km\u00b2, overlapping ' + a.lsoas + ' LSOAs'
        : a.level.toUpperCase() + ' ' + a.code + ', ' + a.areaKm2.toFixed(2) + ' km\u00b2'),
      el('p', { class: 'fine' }, (/^\d{4}-\d{2}-\d{2}/.test(p.selection.period) ? rangeLabel(p.selection.period)
        : monthLabel(p.selection.period.split('..')[0]) + ' to ' + monthLabel(p.selection.period.split('..').pop()))
        + describeFilters()));
    parts.push(head);

    const figures = el('dl', { class: 'figures' });
    const figure = (label, value, note) => {
      figures.append(el('div', {}, el('dt', {}, label), el('dd', {}, value), note ? el('dd', { class: 'fine' }, note) : ''));
    };
    // The headline is the ranking's number for the same selection (the server counts both by one rule); the tables
    // below count records, each where its time starts, which their captions say.
    figure('Incidents', number(Math.round(p.incidents)), 'as the ranking and the map count them: a record known only '
      + 'by month counts by the share of its month in the period' + (state.hours || state.weekdays.size
        ? ', hours and days' : '') + (p.records !== Math.round(p.incidents) ? '; ' + number(p.records)
        + ' records in the tables below' : ''));
    figure('Per 1,000 residents', p.ratePer1000 == null ? 'no population' : p.ratePer1000.toFixed(1),
      a.population ? number(a.population.residents) + ' residents' + (a.population.method === 'estimate' ? ''
        : ' (' + a.population.method + ')') : null);
    if (a.deprivation) {
      figure('Deprivation', 'decile ' + a.deprivation.decile, 'IMD ' + a.deprivation.edition + '; 1 = most deprived');
    } else if (a.residentsByImdDecile) {
      const total = a.residentsByImdDecile.reduce((s, v) => s + v, 0);
      const most = total ? Math.round(100 * (a.residentsByImdDecile[0] + a.residentsByImdDecile[1]) / total) : 0;
      figure('Deprivation', most + '% in deciles 1\u20132', 'residents in the most deprived fifth of England');
    }
    // A stored run may have been made for other categories than the profile shows: say which.
    const runNote = r => 'run ' + r.run + ', ' + r.period + ', '
      + (r.categories && r.categories.length ? r.categories.map(groupLabel).join(', ') : 'all categories');
    if (p.gistar) figure('Gi* hot spot', classLabel(p.gistar.class), runNote(p.gistar));
    if (p.emerging) figure('Emerging hot spot', p.emerging.class ? classLabel(p.emerging.class) : 'no pattern',
      runNote(p.emerging));
    parts.push(figures);

    parts.push(el('h3', {}, 'Month by month'));
    parts.push(el('p', { class: 'fine' }, 'Records by the month their time starts (a police.uk record in its month)'
      + (state.hours || state.weekdays.size ? '; with hours or days set, only records timed to the hour, in those '
        + 'hours and days' : '') + '.'));
    const chart = el('div', { class: 'chart', role: 'img', 'aria-label': 'Records per month: ' + p.months
      .map(m => m.month + ' ' + m.records).join(', ') });
    parts.push(chart);

    parts.push(el('h3', {}, 'By category'));
    const table = el('table', { class: 'categories' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Category'),
      el('th', { scope: 'col', class: 'num' }, 'Records'))));
    const tbody = el('tbody');
    Object.entries(p.groups).forEach(([g, n]) => {
      tbody.append(el('tr', { class: 'group-row' }, el('th', { scope: 'row' }, groupLabel(g)), el('td', { class: 'num' }, number(n))));
      p.categories.filter(c => c.group === g).forEach(c => tbody.append(el('tr', {},
        el('td', { class: 'indent' }, c.label), el('td', { class: 'num' }, number(c.records)))));
    });
    if (!p.categories.length) tbody.append(el('tr', {}, el('td', { colspan: 2 }, 'No records for this selection.')));
    table.append(tbody);
    parts.push(table);
    if (p.protected) parts.push(...sharedAsCounts(p.protected));

    parts.push(el('h3', {}, 'Hour and day'));
    parts.push(heatTable(p.hourWeekday));

    parts.push(el('h3', {}, 'Sources'));
    const sources = el('ul', { class: 'sources' });
    p.sources.forEach(s => sources.append(el('li', {}, el('strong', {}, s.title), ' (' + s.partner + '). ',
      el('span', { class: 'fine' }, s.attribution + (s.protocol ? ' Shared under: ' + s.protocol + '.' : '')))));
    if (p.withheld && p.withheld.length) {
      sources.append(el('li', { class: 'fine' }, 'Not in the record counts above: ' + p.withheld.join(', ')
        + '. Their protocols share them with you as counts, shown under "Shared as counts" and on the map\'s '
        + 'count layers.'));
    }
    if (!p.sources.length) sources.append(el('li', {}, 'No records, so no sources.'));
    parts.push(sources);

    const actions = el('div', { class: 'actions' });
    actions.append(el('a', { class: 'button', id: 'pack-link', href: '/api/packs?' + query(packParams()),
      target: '_blank', rel: 'noopener' }, 'Tasking pack (PDF)'));
    if (a.level !== 'drawn') {
      actions.append(el('a', { class: 'button', href: '/api/exports/incidents.csv?' + query({ area: a.level + ':' + a.code,
        period: p.selection.period, category: state.group, feed: selectedFeeds() }) }, 'Incidents here (CSV)'));
    }
    parts.push(actions);
    // The tasking meeting's actions for a named area, and the form to record one (actions.js).
    if (a.level !== 'drawn' && window.SafeMapActions) parts.push(window.SafeMapActions.section(a));
    body.replaceChildren(...parts);
    drawChart(chart, p.months);
    document.getElementById('profile').focus({ preventScroll: true });
  }

  // The tasking pack of the open profile's area (named, custom or drawn) and the viewer's filters: the months shown,
  // the category group, hours and days, and the feeds chosen that the pack may count exactly.
  function packParams() {
    const r = state.profileArea;
    const p = { period: apiPeriod(), format: 'pdf' };
    if (r.area) p.area = r.area;
    else if (r.body && r.body.circle) p.circle = r.body.circle.center.concat([r.body.circle.radiusM]).join(',');
    else if (r.body && r.body.geometry) p.shape = JSON.stringify(r.body.geometry);
    const s = selectionParams();
    ['categories', 'feeds', 'hours', 'weekdays'].forEach(k => { if (s[k]) p[k] = s[k]; });
    return p;
  }

  // Feeds this user sees only as counts: the very figures the map's count layers publish, '*' where suppressed.
  function sharedAsCounts(pr) {
    const out = [el('h3', {}, 'Shared as counts')];
    if (!pr.available) {
      out.push(el('p', { class: 'fine' }, pr.feeds.join(', ') + ': not shown for this selection, because '
        + pr.reason + '.'));
      return out;
    }
    const shown = v => v == null ? '*' : number(v);
    const table = el('table', { class: 'categories' }, el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Category group'), el('th', { scope: 'col', class: 'num' }, 'Records'))));
    const tbody = el('tbody');
    Object.entries(pr.groups).forEach(([g, n]) => tbody.append(el('tr', {},
      el('th', { scope: 'row' }, groupLabel(g)), el('td', { class: 'num' }, shown(n)))));
    tbody.append(el('tr', { class: 'group-row' }, el('th', { scope: 'row' }, 'All groups'),
      el('td', { class: 'num' }, shown(pr.records))));
    table.append(tbody);
    out.push(table);
    out.push(el('p', { class: 'fine' }, 'By month: ' + pr.months.map(m => monthLabel(m.month) + ' '
      + shown(m.records)).join(', ') + '.'));
    if (pr.partners && pr.partners.length > 1) {
      const byPartner = el('table', { class: 'categories' }, el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Partner'), el('th', { scope: 'col', class: 'num' }, 'Records'))));
      const rows = el('tbody');
      pr.partners.forEach(p => rows.append(el('tr', {}, el('th', { scope: 'row' }, p.name),
        el('td', { class: 'num' }, shown(p.records)))));
      byPartner.append(rows);
      out.push(byPartner);
    }
    out.push(el('p', { class: 'fine' }, pr.feeds.join(', ') + ': each partner\'s feeds counted on their own, so an '
      + 'event two partners both recorded counts once for each. Their protocols share them as counts: ' + pr.rule
      + '. A total over a suppressed count is suppressed too.'));
    return out;
  }

  function describeFilters() {
    const f = [];
    if (state.group) f.push(groupLabel(state.group));
    if (state.hours) f.push('hours ' + state.hours);
    if (state.weekdays.size) f.push([...state.weekdays].join(', '));
    if (selectedFeeds()) f.push(state.feeds.size + ' feeds');
    return f.length ? ' \u00b7 ' + f.join(' \u00b7 ') : '';
  }

  function drawChart(container, months) {
    if (state.chart) { state.chart.destroy(); state.chart = null; }
    const xs = months.map((m, i) => i);
    const ys = months.map(m => m.records);
    const width = Math.max(240, container.clientWidth || 300);
    state.chart = new uPlot({
      width: width, height: 160,
      scales: { x: { time: false } },
      legend: { show: false },
      cursor: { show: true, points: { show: false } },
      axes: [
        { values: (u, ticks) => ticks.map(t => months[t] ? months[t].month.slice(2) : ''), space: 40 },
        { size: 44 }
      ],
      series: [{}, { label: 'Records', stroke: '#1d4ed8', width: 2, fill: 'rgba(29,78,216,0.12)',
        points: { show: true, size: 6 } }]
    }, [xs, ys], container);
  }

  function heatTable(hw) {
    const max = Math.max(1, ...hw.counts.flat());
    const table = el('table', { class: 'heat', 'aria-label': 'Timed records by weekday and hour (UK time)' });
    const head = el('tr', {}, el('th', { scope: 'col' }, ''));
    for (let h = 0; h < 24; h++) head.append(el('th', { scope: 'col' }, h % 3 === 0 ? String(h).padStart(2, '0') : ''));
    table.append(el('thead', {}, head));
    const tbody = el('tbody');
    hw.counts.forEach((row, d) => {
      const tr = el('tr', {}, el('th', { scope: 'row' }, DAY_LABELS[d]));
      row.forEach((n, h) => {
        const cell = el('td', { title: DAY_LABELS[d] + ' ' + String(h).padStart(2, '0') + ':00, ' + n + ' records' },
          n ? String(n) : '');
        cell.style.background = n ? 'rgba(185, 28, 28, ' + (0.12 + 0.88 * n / max).toFixed(2) + ')' : '';
        if (n / max > 0.55) cell.style.color = '#fff';
        tr.append(cell);
      });
      tbody.append(tr);
    });
    table.append(tbody);
    const note = el('p', { class: 'fine' }, number(hw.timed) + ' records timed to the hour, each in the hour and day '
      + 'it starts (UK time)'
      + (hw.untimed ? '; ' + number(hw.untimed) + ' known only by month or longer are not in this table' : '')
      + (hw.untimedDropped ? '; ' + number(hw.untimedDropped) + ' left out by the hour or day filter' : '') + '.');
    return el('div', { class: 'heat-wrap' }, table, note);
  }

  // ----------------------------------------------------------------------------------------------------- ranking
  // Which run a run layer draws: the reader picks it (the newest when the page opened, or the one the link names),
  // and it stays until the reader picks another.
  function runPicker(layer) {
    const id = 'run-' + layer.name;
    const select = el('select', { id: id, disabled: !layer.runs.length });
    fillRuns(select, layer);
    select.addEventListener('change', () => {
      state.runs[layer.name] = Number(select.value);
      writeHash();
      refreshLayer(layer).then(() => renderLegend()).catch(e => status('Could not load ' + layer.title + ': ' + e.message));
    });
    return el('div', { class: 'run-picker' }, el('label', { htmlFor: id, class: 'fine' }, 'Run drawn by ' + layer.title),
      select);
  }

  function fillRuns(select, layer) {
    select.replaceChildren(...(layer.runs.length
      ? layer.runs.map(r => el('option', { value: String(r.id) }, r.title.replace(/^run /, 'Run ')))
      : [el('option', { value: '' }, 'No run has finished yet')]));
    select.disabled = !layer.runs.length;
    if (state.runs[layer.name]) select.value = String(state.runs[layer.name]);
  }

  // After this reader ranks hot spots, the run layers offer the new run, and the Gi* layer shows it: the reader
  // changed the map's meaning, nobody else did.
  async function refreshRuns(own) {
    const catalogue = await getJson('/api/layers');
    for (const fresh of catalogue.layers.filter(l => l.runs)) {
      const layer = state.layers.find(l => l.name === fresh.name);
      if (!layer) continue;
      layer.runs = fresh.runs;
      if (fresh.runs.some(r => r.id === own)) state.runs[layer.name] = own;
      else if (!state.runs[layer.name] && fresh.runs.length) state.runs[layer.name] = fresh.runs[0].id;
      fillRuns(document.getElementById('run-' + layer.name), layer);
      if (layerBox(layer).checked) await refreshLayer(layer);
    }
    writeHash();
    renderLegend();
  }

  async function rankHotspots() {
    cancelPrefetch();  // the reader waits for this: nothing fetched ahead may slow it
    const box = document.getElementById('ranking');
    const button = document.getElementById('rank');
    button.disabled = true;
    box.replaceChildren(el('p', { class: 'fine' }, 'Ranking LSOAs for ' + rangeLabel(profilePeriod()) + '\u2026'));
    try {
      const request = { period: profilePeriod() };
      if (state.group) request.categories = state.group;
      if (selectedFeeds()) request.feeds = selectedFeeds();
      if (state.hours) request.hours = state.hours;
      if (state.weekdays.size) request.weekdays = [...state.weekdays].join(',');
      const response = await fetch('/api/hotspots', { method: 'POST', headers: { 'Content-Type': 'application/json',
        Accept: 'application/json' }, body: JSON.stringify(request) });
      const run = await response.json().catch(() => ({}));
      if (!response.ok) {
        const plain = refusal(response.status, 'rank hot spots');
        if (plain) { box.replaceChildren(el('p', { class: 'error' }, plain)); return; }
        throw new Error(run.message || response.statusText);
      }
      const areas = await getJson('/api/hotspots/' + run.id + '/areas?' + query({ format: 'geojson', limit: 10 }));
      const list = el('ol', { class: 'ranking' });
      areas.features.forEach(f => {
        const p = f.properties;
        const shape = L.geoJSON(f, { interactive: false });
        const button = el('button', { type: 'button', class: 'rank-row' },
          el('span', { class: 'rank-name' }, p.name),
          el('span', { class: 'fine' }, (p.incidents != null ? number(Math.round(p.incidents)) + ' incidents'
            : 'counts withheld') + (p.rate_per_1000 != null ? ', ' + p.rate_per_1000.toFixed(1) + ' per 1,000' : '')
            + (p.gi_class ? ', ' + classLabel(p.gi_class) : '')));
        button.addEventListener('click', () => {
          map.fitBounds(shape.getBounds(), { maxZoom: 16, padding: [30, 30] });
          openProfile({ area: p.level + ':' + p.code, shape: shape }, null);
        });
        list.append(el('li', {}, button));
      });
      box.dataset.run = String(run.id);
      refreshRuns(run.id).catch(e => status('Could not list the runs: ' + e.message));
      // A run over a feed this user may see only as aggregates shows its ranking and classes, not its counts.
      const withheld = run.disclosure ? el('p', { class: 'fine' }, run.disclosure) : '';
      box.replaceChildren(el('p', { class: 'fine' }, 'Run ' + run.id + ': LSOAs by incidents, '
        + rangeLabel(profilePeriod()) + '.'), method(run), withheld, list,
        el('p', {}, el('a', { href: '/api/exports/runs/' + run.id + '/areas.gpkg' }, 'All areas (GeoPackage)'), ' \u00b7 ',
          el('a', { href: '/api/exports/runs/' + run.id + '/areas.csv' }, 'CSV')));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'error' }, 'Could not rank hot spots: ' + e.message));
    } finally {
      button.disabled = false;
    }
  }

  // ----------------------------------------------------------------------------------------- compare two periods
  // Each LSOA's incidents in the period against the baseline, tested by the server (/api/changes: an exact Poisson
  // test of the two counts with a false discovery rate across the areas); significant changes listed, most
  // significant first, each zooming to and outlining its area.
  async function loadChanges() {
    const box = document.getElementById('changes');
    const base = baseline();
    if (!base) { box.replaceChildren(); return; }
    // the published counts it tests are monthly: the months shown, whatever days are chosen
    const params = { level: 'lsoa', baseline: base, period: apiPeriod(true) };
    if (state.group) params.categories = state.group;
    if (selectedFeeds()) params.feeds = selectedFeeds();
    box.replaceChildren(el('p', { class: 'fine' }, 'Comparing ' + monthsLabel() + ' with ' + rangeLabel(base) + '\u2026'));
    try {
      const response = await fetch('/api/changes?' + query(params), { headers: { Accept: 'application/json' } });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const plain = refusal(response.status, 'compare periods');
        if (plain) { box.replaceChildren(el('p', { class: 'error' }, plain)); return; }
        throw new Error(body.message || response.statusText);
      }
      const significant = body.areas.filter(a => a.change === 'more' || a.change === 'fewer');
      const list = el('ol', { class: 'ranking', id: 'change-list' });
      significant.slice(0, 15).forEach(a => {
        const known = state.areaIndex.get(a.code);
        const name = known ? known.name : a.code;
        const ratio = a.rate_ratio == null ? 'from none' : '\u00d7' + a.rate_ratio.toFixed(2) + ' a month';
        const button = el('button', { type: 'button', class: 'rank-row change-' + (a.change === 'more' ? 'more' : 'fewer') },
          el('span', { class: 'rank-name' }, name),
          el('span', { class: 'fine' }, (a.change === 'more' ? 'More: ' : 'Fewer: ') + number(a.baseline_incidents)
            + ' \u2192 ' + number(a.incidents) + ' incidents (' + ratio + ', p ' + pValue(a.p_value) + ')'));
        button.dataset.code = a.code;
        button.addEventListener('click', () => {
          const area = state.areaIndex.get(a.code);
          const shape = area ? L.geoJSON(area.shape.feature, { interactive: false }) : null;
          if (shape) map.fitBounds(shape.getBounds(), { maxZoom: 16, padding: [30, 30] });
          openProfile({ area: 'lsoa:' + a.code, shape: shape }, null);
        });
        list.append(el('li', {}, button));
      });
      const parts = [el('p', { class: 'fine', id: 'change-summary' }, 'LSOAs, ' + monthsLabel() + ' against '
        + rangeLabel(base) + ': ' + number(body.more) + ' with significantly more incidents, ' + number(body.fewer)
        + ' with significantly fewer.')];
      if (significant.length) parts.push(list);
      if (significant.length > 15) parts.push(el('p', { class: 'fine' }, 'The 15 most significant are listed; the '
        + 'change layer classes them all.'));
      parts.push(el('p', { class: 'fine', id: 'change-test' }, 'Test: ' + body.test + '.'));
      if (body.suppression) parts.push(el('p', { class: 'fine' }, 'Partners\u2019 feeds: ' + body.suppression + '.'));
      box.replaceChildren(...parts);
    } catch (e) {
      box.replaceChildren(el('p', { class: 'error' }, 'Could not compare the periods: ' + e.message));
    }
  }

  function pValue(p) {
    return p < 0.0001 ? '< 0.0001' : '= ' + p.toPrecision(2);
  }

  // How a run smoothed and tested: kernel, bandwidth and the rule that chose it, the neighbours of Gi*, warnings.
  function method(run) {
    const p = run.params || {};
    const kde = p.kde || {};
    const parts = [];
    if (kde.bandwidthM != null) {
      const source = String(kde.bandwidthSource || '');
      parts.push((kde.kernel ? kde.kernel.charAt(0).toUpperCase() + kde.kernel.slice(1) + ' kernel, ' : '')
        + 'bandwidth ' + Math.round(kde.bandwidthM) + ' m ' + (source === 'given' ? '(given)'
        : '(chosen by ' + (BANDWIDTH_RULES[source.replace(/^rule /, '')] || source) + ')') + (kde.cellM ? ', ' + Math.round(kde.cellM)
        + ' m cells' : ''));
    }
    const gi = p.gi || {};
    if (gi.neighbours) {
      parts.push('Gi* over ' + (gi.neighbours === 'queen' ? 'areas sharing a boundary point'
        : 'areas within ' + String(gi.neighbours).replace(/^distance:/, '') + ' m'));
    }
    if (gi.fdr != null) parts.push(gi.fdr ? 'false discovery rate corrected' : 'no multiple-testing correction');
    const out = el('div', { class: 'run-method' }, el('p', { class: 'fine', id: 'run-method' }, parts.join('; ') + '.'));
    (run.warnings || []).forEach(w => out.append(el('p', { class: 'fine warn' }, 'Warning: ' + w)));
    return out;
  }

  // ---------------------------------------------------------------------------------------------- any area
  // ----------------------------------------------------------------------------------------------------- search
  // One box, answered by the server's geocoder and area tables (/api/search). Enter goes to the best match; the
  // others are listed to choose from. An area opens its profile; a place is marked, with its LSOA's profile offered.
  async function search(text) {
    cancelPrefetch();
    const list = document.getElementById('search-results');
    const t = text.trim();
    if (!t) { list.replaceChildren(); return; }
    list.replaceChildren(el('li', { class: 'fine' }, 'Searching\u2026'));
    let body;
    try {
      body = await getJson('/api/search?' + query({ q: t }));
    } catch (e) {
      list.replaceChildren(el('li', { class: 'error' }, 'Search is not available just now; try again.'));
      return;
    }
    const results = body.results;
    if (!results.length) {
      list.replaceChildren(el('li', { class: 'fine' }, 'Nothing found for "' + t + '". Try a full postcode, a street '
        + 'name, an area code such as E01006512 or its last part (060C), or a grid reference such as SJ 345 905.'));
      return;
    }
    list.replaceChildren(...results.map((r, i) => {
      const button = el('button', { type: 'button', class: 'search-hit' + (i === 0 ? ' chosen' : '') },
        el('span', { class: 'rank-name' }, r.label), el('span', { class: 'fine' }, r.detail || r.kind));
      button.addEventListener('click', () => {
        list.querySelectorAll('.search-hit').forEach(b => b.classList.remove('chosen'));
        button.classList.add('chosen');
        goTo(r);
      });
      return el('li', {}, button);
    }));
    goTo(results[0]);
  }

  function goTo(r) {
    if (state.searchMarker) { map.removeLayer(state.searchMarker); state.searchMarker = null; }
    if (r.bounds) {
      const [w, s, e, n] = r.bounds;
      const bounds = L.latLngBounds([s, w], [n, e]);
      const code = r.area.code;
      const known = state.areaIndex.get(code);
      const shape = known && known.level === r.area.level ? L.geoJSON(known.shape.feature, { interactive: false })
        : L.rectangle(bounds, { interactive: false });
      map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
      openProfile({ area: r.area.level + ':' + code, shape: shape }, null);
      return;
    }
    const at = L.latLng(r.lat, r.lon);
    map.fitBounds(at.toBounds(Math.max(800, 6 * r.radiusM)));
    const popup = el('div', { class: 'popup' }, el('h3', {}, r.label), el('p', { class: 'fine' }, r.detail || ''));
    if (r.area) {
      const open = el('button', { type: 'button', id: 'search-profile' }, 'Profile of ' + r.area.name);
      open.addEventListener('click', () => {
        const known = state.areaIndex.get(r.area.code);
        openProfile({ area: r.area.level + ':' + r.area.code,
          shape: known ? L.geoJSON(known.shape.feature, { interactive: false }) : null }, null);
      });
      popup.append(el('p', {}, 'In ' + r.area.level.toUpperCase() + ' ' + r.area.code + '. '), open);
    }
    state.searchMarker = L.circleMarker(at, { radius: 9, color: '#b91c1c', weight: 3, fillColor: '#fff',
      fillOpacity: 0.9 }).bindPopup(popup).addTo(map).openPopup();
  }

  function startDrawing(kind) {
    const polygonButton = document.getElementById('draw-polygon');
    const circleButton = document.getElementById('draw-circle');
    const current = window.SafeMapDraw.active();
    if (current && current.kind === kind) { window.SafeMapDraw.cancel(); return; }
    const help = text => { document.getElementById('draw-help').textContent = text; };
    window.SafeMapDraw[kind](map, (body, shape) => {
      openProfile({ body: body, shape: shape });
    }, help);
    polygonButton.setAttribute('aria-pressed', String(kind === 'polygon'));
    circleButton.setAttribute('aria-pressed', String(kind === 'circle'));
    map.getContainer().focus();
  }

  // The baseline period: two month lists and a button that turns the change layers on and lists the changes.
  function buildCompare(initial) {
    const from = document.getElementById('baseline-from');
    const to = document.getElementById('baseline-to');
    state.months.forEach(m => {
      from.append(el('option', { value: m }, monthLabel(m)));
      to.append(el('option', { value: m }, monthLabel(m)));
    });
    const [a, b] = (initial.baseline || '').split('..');
    if (a && state.months.includes(a) && state.months.includes(b || a)
        && state.months.indexOf(b || a) >= state.months.indexOf(a)) {
      state.baseline = a + '..' + (b || a);
    }
    const shown = baseline();
    if (shown) { [from.value, to.value] = shown.split('..'); } else if (state.months.length) {
      from.value = to.value = state.months[0];
    }
    from.addEventListener('change', () => {
      if (state.months.indexOf(to.value) < state.months.indexOf(from.value)) to.value = from.value;
    });
    to.addEventListener('change', () => {
      if (state.months.indexOf(from.value) > state.months.indexOf(to.value)) from.value = to.value;
    });
    document.getElementById('compare').addEventListener('click', () => {
      state.baseline = from.value + '..' + to.value;
      // The surface of change goes on; the areas' classes are in the list below (and a layer of their own).
      state.layers.filter(l => l.kind === 'density-change').forEach(l => { layerBox(l).checked = true; });
      refreshSelection();
    });
    const clear = document.getElementById('compare-clear');
    clear.addEventListener('click', () => {
      state.baseline = null;
      state.layers.filter(l => CHANGE_KINDS.includes(l.kind)).forEach(l => { layerBox(l).checked = false; });
      document.getElementById('changes').replaceChildren();
      refreshSelection();
    });
  }

  // ------------------------------------------------------------------------------------------------------- days
  // Narrowing the months chosen to days: offered when a feed shown has records timed to the day or finer (the
  // summary's 'timed'; police.uk's are known by month only). The dates stay inside the months chosen: moving the
  // months moves them in, or back to the months' own first and last days. Returns fit (after a month change), offer
  // (after a feed change) and clear.
  function buildDays(initial, showPeriod) {
    const box = document.getElementById('days-box');
    const on = document.getElementById('days-on');
    const range = document.getElementById('days-range');
    const from = document.getElementById('days-from');
    const to = document.getElementById('days-to');
    const note = document.getElementById('days-note');
    const first = () => state.from + '-01';
    const last = () => {
      const [y, m] = state.month.split('-').map(Number);
      return state.month + '-' + String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
    };
    const timedFeeds = () => state.summary.feeds.filter(f => f.timed && state.feeds.has(f.feed));
    const explain = () => {
      if (!state.days) { note.hidden = true; return; }
      const untimed = state.summary.feeds.filter(f => !f.timed && state.feeds.has(f.feed))
        .map(f => state.feedLabels[f.feed] || f.feed);
      const parts = [];
      if (untimed.length) {
        // the share for the days' first month, as an example in numbers
        const [y, m] = state.days.from.split('-').map(Number);
        const monthDays = new Date(Date.UTC(y, m, 0)).getUTCDate();
        const end = state.days.to.slice(0, 7) === state.days.from.slice(0, 7) ? Number(state.days.to.slice(8)) : monthDays;
        const n = end - Number(state.days.from.slice(8)) + 1;
        parts.push(untimed.join(', ') + ': records known only by month. The density and the hot spot ranking count '
          + 'each by the share of its month inside the days (here ' + n + ' of ' + monthDays + ' days: '
          + (n / monthDays).toFixed(2) + ' of a record), and so does an area profile\'s headline; the points show '
          + 'every record of the month; the profile\'s tables count each in full when the days include the first of '
          + 'its month, and not at all otherwise.');
      }
      const months = state.layers.filter(l => TIMED_KINDS.includes(l.kind) && monthsOnly(l)
        && layerBox(l) && layerBox(l).checked).map(l => l.title);
      parts.push((months.length ? months.join(', ') : 'Count layers, the forecast and comparisons')
        + ': whole months only, so ' + monthsLabel() + '.');
      note.textContent = parts.join(' ');
      note.hidden = false;
    };
    const apply = () => {
      state.days = on.checked && from.value && to.value ? { from: from.value, to: to.value } : null;
      range.hidden = !on.checked;
      explain();
    };
    const fit = () => {
      from.min = to.min = first();
      from.max = to.max = last();
      if (!state.days) { from.value = first(); to.value = last(); return; }
      // days partly outside the months are cut to them; days wholly outside give way to the months' own
      const outside = state.days.to < first() || state.days.from > last();
      from.value = outside || state.days.from < first() ? first() : state.days.from;
      to.value = outside || state.days.to > last() ? last() : state.days.to;
      apply();
    };
    const offer = () => {
      const timed = timedFeeds().length > 0;
      box.hidden = !timed;
      if (!timed && on.checked) { on.checked = false; apply(); }
      explain();
    };
    const changed = () => {
      if (from.value && to.value && from.value > to.value) {
        if (document.activeElement === from) to.value = from.value; else from.value = to.value;
      }
      if (!from.value || !to.value || from.value < first() || to.value > last()) return;  // half-typed
      apply();
      showPeriod();
      refreshSelection();
    };
    on.addEventListener('change', () => {
      if (on.checked && state.playing) stopPlaying();
      apply();
      showPeriod();
      refreshSelection();
    });
    from.addEventListener('change', changed);
    to.addEventListener('change', changed);
    if (initial.days && state.month && initial.days.from >= first() && initial.days.to <= last()) {
      state.days = initial.days;
      on.checked = true;
    }
    offer();
    fit();
    return {
      fit: fit, offer: offer, refresh: explain,
      clear: message => {
        if (!on.checked) return;
        on.checked = false;
        apply();
        // said where the days were, as the status line moves on to what Play loads
        note.textContent = message;
        note.hidden = false;
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------- controls
  function buildControls(initial) {
    state.months = state.summary.months.map(m => m.month);
    const slider = document.getElementById('period');
    const fromSelect = document.getElementById('period-from');
    const toSelect = document.getElementById('period-to');
    state.months.forEach(m => {
      fromSelect.append(el('option', { value: m }, monthLabel(m)));
      toSelect.append(el('option', { value: m }, monthLabel(m)));
    });
    slider.max = String(Math.max(0, state.months.length - 1));
    const start = initial.month && state.months.includes(initial.month) ? initial.month : state.months[state.months.length - 1];
    state.month = start || null;
    state.from = initial.from && state.months.includes(initial.from)
      && state.months.indexOf(initial.from) <= state.months.indexOf(state.month) ? initial.from : state.month;
    // The slider moves the period's end; the period keeps its length.
    let dayRange = null;  // built once the feeds are known: it is offered for timed feeds only
    const showPeriod = () => {
      if (dayRange) dayRange.fit();
      slider.value = String(Math.max(0, state.months.indexOf(state.month)));
      slider.min = String(Math.max(0, periodMonths() - 1));
      slider.setAttribute('aria-valuetext', periodLabel());
      fromSelect.value = state.from;
      toSelect.value = state.month;
      document.getElementById('period-label').textContent = periodLabel();
    };
    const moveTo = i => {
      const length = periodMonths();
      state.month = state.months[i];
      state.from = state.months[Math.max(0, i - length + 1)];
      showPeriod();
    };
    if (state.month) showPeriod();
    buildCompare(initial);
    slider.addEventListener('input', () => moveTo(Number(slider.value)));
    slider.addEventListener('change', () => refreshSelection());
    fromSelect.addEventListener('change', () => {
      state.from = fromSelect.value;
      if (state.months.indexOf(state.month) < state.months.indexOf(state.from)) state.month = state.from;
      showPeriod();
      refreshSelection();
    });
    toSelect.addEventListener('change', () => {
      state.month = toSelect.value;
      if (state.months.indexOf(state.from) > state.months.indexOf(state.month)) state.from = state.month;
      showPeriod();
      refreshSelection();
    });
    const play = document.getElementById('play');
    play.addEventListener('click', () => {
      if (state.playing) { stopPlaying(); return; }
      play.setAttribute('aria-pressed', 'true');
      play.textContent = 'Pause';
      // Play steps whole months: days chosen inside one month would mean nothing in the next, so they go
      if (dayRange) dayRange.clear('Play steps whole months, so the days were cleared.');
      if (Number(slider.value) >= state.months.length - 1) moveTo(periodMonths() - 1);
      const step = async () => {
        await refreshSelection();
        if (!state.playing) return;
        if (Number(slider.value) >= state.months.length - 1) { stopPlaying(); return; }
        state.playing = setTimeout(() => { moveTo(Number(slider.value) + 1); step(); }, 1200);
      };
      state.playing = setTimeout(step, 0);
    });

    const groupSelect = document.getElementById('group');
    const groups = [...new Set(state.summary.categories.map(c => c.group))];
    groups.forEach(g => groupSelect.append(el('option', { value: g }, groupLabel(g))));
    state.group = groups.includes(initial.group) ? initial.group : '';
    groupSelect.value = state.group;
    groupSelect.addEventListener('change', () => { state.group = groupSelect.value; refreshSelection(); });

    const hours = document.getElementById('hours');
    if (initial.hours && ![...hours.options].some(o => o.value === initial.hours)) {
      hours.append(el('option', { value: initial.hours }, 'Hours ' + initial.hours));
    }
    state.hours = initial.hours || '';
    hours.value = state.hours;
    hours.addEventListener('change', () => { state.hours = hours.value; refreshSelection(); });

    const days = document.getElementById('weekdays');
    DAYS.forEach((d, i) => {
      const box = el('input', { type: 'checkbox', value: d, id: 'day-' + d, checked: initial.weekdays.includes(d) });
      if (box.checked) state.weekdays.add(d);
      box.addEventListener('change', () => {
        if (box.checked) state.weekdays.add(d); else state.weekdays.delete(d);
        refreshSelection();
      });
      days.append(el('label', { htmlFor: 'day-' + d, class: 'day' }, box, el('span', {}, DAY_LABELS[i])));
    });

    const feeds = document.getElementById('feeds');
    state.allFeeds = state.summary.feeds.map(f => f.feed);
    state.summary.feeds.forEach(f => {
      const on = !initial.feeds || initial.feeds.includes(f.feed);
      if (on) state.feeds.add(f.feed);
      const box = el('input', { type: 'checkbox', checked: on, value: f.feed, id: 'feed-' + f.feed });
      box.addEventListener('change', () => {
        if (box.checked) state.feeds.add(f.feed); else state.feeds.delete(f.feed);
        if (dayRange) dayRange.offer();
        refreshSelection();
      });
      feeds.append(el('label', { htmlFor: 'feed-' + f.feed }, box, el('span', {}, state.feedLabels[f.feed] || f.feed),
        el('span', { class: 'count', title: f.count == null ? 'Shared with you as counts per area only' : '' },
          f.count == null ? 'counts' : number(f.count))));
    });

    const layerBoxes = document.getElementById('layers');
    state.layers.forEach(layer => {
      const on = initial.layers ? initial.layers.includes(layer.name) : layer.visible;
      const box = el('input', { type: 'checkbox', checked: on, id: 'layer-' + layer.name });
      box.addEventListener('change', () => {
        writeHash();
        if (dayRange) dayRange.refresh();
        cancelPrefetch();
        refreshLayer(layer).then(() => { renderLegend(); updateAttribution(); schedulePrefetch(); })
          .catch(e => status('Could not load ' + layer.title + ': ' + e.message));
      });
      layerBoxes.append(el('label', { htmlFor: 'layer-' + layer.name, title: layer.abstractText }, box,
        el('span', {}, layer.title)));
      if (layer.runs) {
        const pinned = initial.runs[layer.name];
        state.runs[layer.name] = layer.runs.some(r => r.id === pinned) ? pinned
          : layer.runs.length ? layer.runs[0].id : null;
        if (!state.runs[layer.name]) delete state.runs[layer.name];
        layerBoxes.append(runPicker(layer));
      }
    });

    if (state.month) {
      dayRange = buildDays(initial, showPeriod);
      showPeriod();
    }

    // Layers a link names that this reader is not offered: kept in the address (signing in reloads the page with
    // it, and they return) and told in plain words. The server answers a layer one may not see exactly as one that
    // does not exist, so the page cannot name them.
    state.hiddenLayers = (initial.layers || []).filter(n => /^[a-z0-9-]+$/.test(n) && !state.layers.some(l => l.name === n));
    const tellHidden = session => {
      const n = state.hiddenLayers.length;
      if (!n) return;
      const layers = n === 1 ? '1 layer in this link' : n + ' layers in this link';
      const box = document.getElementById('hidden-layers');
      box.hidden = false;
      box.textContent = session && session.signedIn
        ? layers + (n === 1 ? ' is' : ' are') + ' not shared with your account, so ' + (n === 1 ? 'it is' : 'they are')
          + ' not shown. The link keeps ' + (n === 1 ? 'it' : 'them') + ' for those who may see ' + (n === 1 ? 'it.' : 'them.')
        : layers + ' need' + (n === 1 ? 's' : '') + ' you to sign in. Sign in and ' + (n === 1 ? 'it' : 'they')
          + ' will be shown; the link keeps ' + (n === 1 ? 'it.' : 'them.');
    };
    tellHidden(window.SafeMapAuth && window.SafeMapAuth.session());
    document.addEventListener('safemap-session', e => tellHidden(e.detail));

    document.getElementById('rank').addEventListener('click', rankHotspots);
    const find = document.getElementById('find');
    document.getElementById('search-form').addEventListener('submit', e => { e.preventDefault(); search(find.value); });
    document.getElementById('draw-polygon').addEventListener('click', () => startDrawing('polygon'));
    document.getElementById('draw-circle').addEventListener('click', () => startDrawing('circle'));
    document.addEventListener('safemap-draw-stopped', () => {
      document.getElementById('draw-polygon').setAttribute('aria-pressed', 'false');
      document.getElementById('draw-circle').setAttribute('aria-pressed', 'false');
    });
    document.getElementById('profile-close').addEventListener('click', closeProfile);
    document.addEventListener('keydown', e => {
      if (e.key === 'Escape' && !window.SafeMapDraw.active() && state.profileArea) closeProfile();
    });
    const large = document.getElementById('large-text');
    large.addEventListener('click', () => {
      const on = document.body.classList.toggle('large');
      large.setAttribute('aria-pressed', String(on));
      setTimeout(() => map.invalidateSize(), 0);
    });
    map.on('moveend', writeHash);
  }

  function stopPlaying() {
    clearTimeout(state.playing);
    state.playing = null;
    const play = document.getElementById('play');
    play.setAttribute('aria-pressed', 'false');
    play.textContent = 'Play';
  }

  function closeProfile() {
    document.getElementById('profile').hidden = true;
    state.profileArea = null;
    if (state.highlight) { map.removeLayer(state.highlight); state.highlight = null; }
    if (state.chart) { state.chart.destroy(); state.chart = null; }
    writeHash();
    map.getContainer().focus();
  }

  async function start() {
    try {
      const initial = readHash();
      const [config, catalogue, summary, feeds] = await Promise.all([getJson('/api/viewer-config'),
        getJson('/api/layers'), getJson('/api/incidents/summary'), getJson('/api/feeds')]);
      feeds.forEach(f => {
        state.feedLabels[f.name] = f.label;
        state.feedLevels[f.name] = f.level;
        state.feedAudited[f.name] = f.audited !== false;  // an older server does not say: taken as audited
      });
      state.layers = catalogue.layers;
      state.summary = summary;
      buildControls(initial);
      setupBasemaps(config, initial);
      proj4.defs('EPSG:27700', BNG);
      renderLegend();
      if (initial.view && initial.view.length === 3 && initial.view.every(Number.isFinite)) {
        // No animation from the default view: the link's view is where the page opens, and everything that reads
        // the view next (the address, the print links, the tiles asked for) must read it, not a zoom under way.
        map.setView([initial.view[1], initial.view[2]], initial.view[0], { animate: false });
      }
      if (initial.area) state.profileArea = { area: initial.area };
      else if (initial.drawn) {
        state.profileArea = initial.drawn;
        state.highlight = initial.drawn.shape.setStyle({ color: '#b91c1c', weight: 3, fill: false }).addTo(map);
      }
      // The month's incidents load while the boundaries do; the controls work from here on.
      document.body.dataset.interactiveMs = String(Math.round(performance.now()));
      const selection = state.month ? refreshSelection() : Promise.resolve(status('No incidents are loaded yet.'));
      for (const layer of state.layers.filter(l => l.kind === 'areas')) {
        const r = await refreshLayer(layer);
        if (r) document.body.dataset.areas = String((Number(document.body.dataset.areas) || 0) + r.count);
        if (r && r.bounds && !initial.view) map.fitBounds(r.bounds, { padding: [10, 10] });
      }
      // Boundaries come simplified for the zoom; fetch them again only when the zoom leaves the range the
      // server says that simplification serves.
      map.on('moveend', drawPoints);
      map.on('movestart', cancelPrefetch);
      map.on('moveend', () => { if (state.month) schedulePrefetch(); });
      let clustered = map.getZoom() < POINTS_FROM_ZOOM;
      map.on('zoomend', () => {
        if ((map.getZoom() < POINTS_FROM_ZOOM) !== clustered) { clustered = !clustered; renderLegend(); }
        const z = Math.round(map.getZoom());
        state.layers.filter(l => l.kind === 'areas' && state.areaZoomRange[l.name]
            && (z < state.areaZoomRange[l.name][0] || z > state.areaZoomRange[l.name][1]))
          .forEach(layer => refreshLayer(layer).catch(e => status('Could not load ' + layer.title + ': ' + e.message)));
      });
      await selection;
      document.body.dataset.readyMs = String(Math.round(performance.now()));  // for docs/performance.md
      document.body.dataset.ready = 'true';
    } catch (e) {
      status('SafeMap could not start: ' + e.message);
      notice('SafeMap could not load its data: ' + e.message);
    }
  }

  // A custodian page opened by a link (custodian.js) holds the URL: the map starts when the reader goes to it.
  if (window.SafeMapCustodian && window.SafeMapCustodian.active()) {
    document.addEventListener('safemap-map-shown', start, { once: true });
  } else {
    start();
  }
  // Back from a custodian page: the map was hidden, so it measures itself again and returns to the view in its URL.
  document.addEventListener('safemap-map-shown', () => setTimeout(() => {
    const view = readHash().view;  // first: measuring again moves the map, and a move rewrites the URL
    map.invalidateSize();
    // reset: a pan would round to whole pixels, and the URL would no longer be the one the reader left
    if (view && view.length === 3 && view.every(Number.isFinite)) {
      map.setView([view[1], view[2]], view[0], { reset: true });
    }
  }, 0));
})();
