// SafeMap viewer, "Your data": the pages for a partner's data custodian. Their feeds, each feed's load batches, a
// batch's report and quarantined rows, uploading new files, the usage report of their partner's data, the audit log
// and reloading protocols and feeds (admins), and the retention reports. The page only asks the API and shows what it
// answers: which feeds to list and what to offer come from GET /api/feeds (owner, may_load, may_read_batches), who
// may see or load what is the server's decision, and its refusals are shown as it words them. The URL's #fragment
// holds the page (#custodian/feed=istv-ae/batch=25/page=2), so a link reproduces it; while a custodian page is shown
// the map's view waits in the background, and "Back to the map" returns to it. <body data-custodian="VIEW:ready">
// says when a page has finished loading (for tests and scripts).
'use strict';

(function () {
  const PAGE_ROWS = 50;
  const AUDIT_PAGE = 100;
  const ACTIONS = {
    'api.incidents': 'Incident records through the API or the viewer',
    'api.incidents.summary': 'Monthly totals for the viewer\u2019s controls',
    'api.profile': 'Area profiles',
    'api.profile.drawn': 'Profiles of areas drawn on the map',
    'api.hotspots.create': 'Hot spot runs',
    'api.hotspots.areas': 'Hot spot run tables',
    'api.hotspots.surface': 'Hot spot density surfaces',
    'api.emerging.create': 'Emerging hot spot runs',
    'api.evaluate': 'Forecast evaluations',
    'api.near-repeat': 'Near-repeat analyses',
    'api.repeat-locations': 'Repeat locations',
    'api.quarantine': 'Quarantined rows read',
    'api.refused': 'Refused requests',
    'wms.getmap': 'Map images (WMS and tiles)',
    'wms.getfeatureinfo': 'Map clicks (WMS feature info)',
    'ingest.upload': 'Files uploaded',
    'ingest.cli': 'Files loaded at the server\u2019s command line',
    'retention.purge': 'Records deleted at the end of retention',
    'pack': 'Tasking packs'
  };
  const METHODS = {
    'coordinate': 'given coordinates', 'rounded-grid': 'rounded grid reference', 'snapped-map-point':
      'police.uk map point', 'uprn': 'property (UPRN)', 'postcode': 'postcode', 'venue': 'named venue',
    'street': 'street', 'postcode-district': 'postcode district'
  };

  const main = document.getElementById('custodian');
  const layout = document.querySelector('main.layout');
  const entry = document.getElementById('custodian-link');
  const skip = document.querySelector('a.skip');
  const state = {
    session: null, protocols: null, feeds: null, config: null, mapHash: '', batches: new Map(), renders: 0,
    route: null, mapShown: !isCustodianHash(location.hash), focusOnRender: true
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) return;
      if (k === 'class') node.className = v; else if (k in node) node[k] = v; else node.setAttribute(k, v);
    });
    children.flat().forEach(c => { if (c !== null && c !== undefined && c !== false) node.append(c); });
    return node;
  }

  function number(n) {
    return n === null || n === undefined ? '\u2013' : Number(n).toLocaleString('en-GB');
  }

  function when(iso) {
    if (!iso) return '\u2013';
    return new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short',
      year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function bytes(n) {
    if (n < 1024 * 1024) return Math.max(1, Math.round(n / 1024)) + ' KB';
    return (n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0) + ' MB';
  }

  // The server's messages are sentences without a capital or a full stop; shown as they are, as sentences.
  function sentence(text) {
    const t = String(text || '').trim();
    if (!t) return '';
    return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
  }

  // ------------------------------------------------------------------------------------------------------ routes
  function isCustodianHash(hash) {
    return /^#custodian(\/|$)/.test(hash || '');
  }

  // #custodian/usage/partner=nhs-ed/from=2024-01-01: an optional page name, then key=value parts.
  function parse(hash) {
    const route = { page: '', params: {} };
    hash.replace(/^#/, '').split('/').slice(1).forEach(part => {
      if (!part) return;
      const i = part.indexOf('=');
      if (i < 0) { if (!route.page) route.page = decodeURIComponent(part); return; }
      route.params[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
    });
    route.view = route.page || (route.params.batch ? 'batch' : route.params.feed ? 'feed' : 'home');
    return route;
  }

  function link(page, params) {
    return '#custodian' + (page ? '/' + page : '') + Object.entries(params || {})
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => '/' + encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('');
  }

  // ------------------------------------------------------------------------------------------------------ the API
  class Problem extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // The answer's text and headers; a refusal or failure as a Problem in the server's words.
  async function answer(url, accept, init) {
    let response;
    try {
      response = await fetch(url, Object.assign({ headers: { Accept: accept } }, init || {}));
    } catch (e) {
      throw new Problem(0, 'no_answer', 'SafeMap did not answer (' + e.message + '); check the connection and try again');
    }
    const text = await response.text();
    if (!response.ok) {
      let body = {};
      try { body = JSON.parse(text); } catch (e) { /* not JSON: the status says enough */ }
      throw new Problem(response.status, body.error || '', body.message || (response.status + ' ' + response.statusText));
    }
    return { text: text, headers: response.headers };
  }

  async function request(url, accept) {
    return (await answer(url, accept)).text;
  }

  async function getJson(url) {
    return JSON.parse(await request(url, 'application/json'));
  }

  // A refusal or failure in plain words: what happened first, then the server's own reason.
  function problem(p, what) {
    const lead = {
      0: 'SafeMap did not answer.',
      401: 'You are not signed in, or your session has ended.',
      403: 'SafeMap did not allow this.',
      404: 'Not found.',
      413: 'The file is too large to upload.',
      415: 'SafeMap could not read the upload.',
      422: 'The file was not loaded.'
    }[p.status] || (p.status >= 500 ? 'SafeMap could not do this just now.' : 'SafeMap could not do this.');
    const box = el('div', { class: 'problem', role: 'alert', 'aria-label': what || null },
      el('p', {}, el('strong', {}, lead)), el('p', {}, sentence(p.message)));
    if (p.status === 401 && window.SafeMapAuth) {
      box.append(el('p', {}, el('button', { type: 'button', onclick: () => window.SafeMapAuth.openSignIn() },
        'Sign in')));
    }
    return box;
  }

  async function protocols() {
    if (!state.protocols) state.protocols = (await getJson('/api/protocols')).protocols;
    return state.protocols;
  }

  async function feeds(fresh) {
    if (!state.feeds || fresh) state.feeds = await getJson('/api/feeds');
    return state.feeds;
  }

  async function config() {
    if (!state.config) state.config = await getJson('/api/viewer-config');
    return state.config;
  }

  function protocolOf(feed) {
    return (state.protocols || []).find(p => p.feed === feed) || null;
  }

  function feedLabel(feed) {
    const f = (state.feeds || []).find(x => x.name === feed);
    return f ? f.label : feed;
  }

  function feedOf(name) {
    return (state.feeds || []).find(f => f.name === name) || null;
  }

  // What to list and offer is what GET /api/feeds says the asker may do: the feeds they may load into (their own
  // partner's, or every feed for an admin), and the feeds whose files they may only read (a partner the protocol
  // names at points level). The server still decides every request.
  function ownFeeds() {
    const s = state.session;
    if (!s || !s.signedIn) return [];
    return (state.feeds || []).filter(f => f.may_load).map(f => f.name);
  }

  function readableFeeds() {
    const s = state.session;
    if (!s || !s.signedIn) return [];
    return (state.feeds || []).filter(f => f.may_read_batches && !f.may_load).map(f => f.name);
  }

  // Whose usage reports to offer: the owners of the feeds the asker looks after (an admin's: every owner).
  function partners() {
    const owners = new Set((state.feeds || []).filter(f => f.may_load && f.owner).map(f => f.owner));
    return [...owners];
  }

  function partnerName(partner) {
    const p = (state.protocols || []).find(x => x.partner === partner);
    return p && p.partner_name ? p.partner_name : partner;
  }

  // ------------------------------------------------------------------------------------------------- page frame
  function nav(route) {
    const isAdmin = state.session && state.session.role === 'admin';
    const items = [
      ['home', 'Your feeds', link('')],
      ['usage', 'Usage report', link('usage')],
      ['retention', 'Retention reports', link('retention')]
    ];
    if (isAdmin) items.push(['audit', 'Audit log', link('audit')]);
    const current = route.view === 'feed' || route.view === 'batch' ? 'home' : route.view;
    return el('nav', { class: 'custodian-nav', 'aria-label': 'Your data' },
      el('ul', {},
        el('li', {}, el('a', { href: state.mapHash || '#', class: 'back' }, '\u2190 Back to the map')),
        items.map(([key, text, href]) => el('li', {},
          el('a', { href: href, 'aria-current': key === current ? 'page' : null }, text)))));
  }

  function crumbs(...items) {
    return el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, el('ol', {},
      items.map(([text, href], i) => el('li', {}, i === items.length - 1
        ? el('span', { 'aria-current': 'page' }, text) : el('a', { href: href }, text)))));
  }

  // Label and value pairs, each pair kept together when the line wraps.
  function facts(pairs) {
    return el('dl', { class: 'facts' }, pairs.filter(Boolean).map(([label, value]) =>
      el('div', {}, el('dt', {}, label), el('dd', {}, value))));
  }

  function heading(text) {
    return el('h2', { id: 'custodian-title', tabindex: '-1' }, text);
  }

  function table(caption, headers, rows, options) {
    const opts = options || {};
    const cls = 'data' + (opts.class ? ' ' + opts.class : '');
    return el('div', { class: 'table-wrap', 'data-label': caption }, el('table', { class: cls },
      el('caption', { class: opts.showCaption ? '' : 'visually-hidden' }, caption),
      el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col', class: kind(h) }, h.text || h)))),
      el('tbody', {}, rows.map(r => el('tr', {}, r.map((cell, i) => i === 0 && opts.rowHeader
        ? el('th', { scope: 'row', class: kind(headers[i]) }, cell)
        : el('td', { class: kind(headers[i]) }, cell)))))));
  }

  // Numbers align right; times stay on one line.
  function kind(header) {
    return [header.num ? 'num' : '', header.time ? 'time' : '', header.wide ? 'wide' : ''].filter(Boolean).join(' ');
  }

  // ---------------------------------------------------------------------------------------------------- render
  async function render(focus) {
    const route = parse(location.hash);
    const previous = state.route;
    state.route = route;
    const token = ++state.renders;
    document.body.dataset.custodian = route.view + ':loading';
    const body = el('div', { class: 'custodian-page' });
    main.replaceChildren(nav(route), body);
    try {
      if (!state.session) {
        body.append(el('p', { class: 'fine' }, 'Loading\u2026'));
        return;
      }
      await Promise.all([protocols(), feeds(), config().catch(() => null)]);
      if (token !== state.renders) return;
      const views = { home: home, feed: feedPage, batch: batchPage, usage: usagePage, audit: auditPage,
        retention: retentionPage };
      const view = views[route.view] || unknownPage;
      const content = await view(route, previous);
      if (token !== state.renders) return;
      body.replaceChildren(...content);
    } catch (e) {
      if (token !== state.renders) return;
      body.replaceChildren(heading('Your data'), e instanceof Problem ? problem(e) : problem(new Problem(0, '',
        e.message)));
    }
    if (token !== state.renders) return;
    scrollables();
    const title = main.querySelector('#custodian-title');
    document.title = (title ? title.textContent + ' \u00b7 ' : '') + 'Your data \u00b7 SafeMap';
    // Keyboard and screen reader users land where the new page starts (or where the page's rows changed).
    const target = focus && main.querySelector(focus) || title;
    if (target && state.focusOnRender) target.focus();
    state.focusOnRender = true;
    document.body.dataset.custodian = route.view + ':ready';
  }

  function unknownPage(route) {
    return [heading('Your data'), el('p', {}, 'There is no page called \u201c' + route.view + '\u201d here. ',
      el('a', { href: link('') }, 'Your feeds'), ' lists what you can see.')];
  }

  function signInFirst() {
    return [heading('Your data'),
      el('p', {}, 'These pages are for a partner\u2019s data custodians: the feeds your organisation supplies, the '
        + 'files loaded into them, what was quarantined and why, and who has used the data.'),
      el('p', {}, 'Sign in to see them. ',
        el('button', { type: 'button', onclick: () => window.SafeMapAuth.openSignIn() }, 'Sign in'))];
  }

  // -------------------------------------------------------------------------------------------------------- home
  function home() {
    const s = state.session;
    if (!s.signedIn) return signInFirst();
    const mine = ownFeeds();
    const readable = readableFeeds();
    const out = [heading('Your data')];
    if (s.role === 'admin') {
      out.push(el('p', { class: 'lead' }, 'As an administrator you see every feed: the files loaded into each, what '
        + 'was quarantined and why, loading new files, and how each partner\u2019s data has been used.'));
    } else if (mine.length) {
      out.push(el('p', { class: 'lead' }, 'The feeds ' + partnerName(s.partner) + ' supplies: the files loaded into '
        + 'each, what was quarantined and why, loading new files, and who has used your data, how and for what '
        + 'purpose.'));
    } else {
      out.push(el('p', {}, 'Your partner (' + (s.partner || 'none') + ') supplies no feed to SafeMap, so there is '
        + 'nothing here for you to look after. A feed\u2019s custodians are the analysts of the partner its '
        + 'data-sharing protocol names as the owner; ask an administrator if that should be you.'));
    }
    if (mine.length) out.push(feedCards(mine));
    if (readable.length) {
      out.push(el('section', { 'aria-labelledby': 'readable-heading' },
        el('h3', { id: 'readable-heading' }, mine.length ? 'Other feeds whose files you may read'
          : 'Feeds whose files you may read'),
        el('p', { class: 'fine' }, 'Their protocols let you see these feeds record by record, so you may read the '
          + 'files loaded into them and the rows quarantined (with the partner\u2019s references as keyed hashes '
          + 'where a protocol says so), but only their own partner loads files into them.'),
        el('ul', { class: 'feed-list' }, readable.map(name => el('li', {},
          el('a', { href: link('', { feed: name }) }, feedLabel(name)),
          el('span', { class: 'fine' }, ' \u00b7 ' + ownerName(feedOf(name))))))));
    }
    if (s.role === 'admin') out.push(reloadSection());
    return out;
  }

  function ownerName(f) {
    const p = f && protocolOf(f.name);
    return (p ? p.partner_name : f && f.partner) || '';
  }

  function feedCards(names) {
    return el('ul', { class: 'feed-cards' }, names.map(name => {
      const f = feedOf(name) || { name: name, label: name };
      const p = protocolOf(name);
      return el('li', { class: 'feed-card' },
        el('h3', {}, el('a', { href: link('', { feed: name }) }, f.label || name)),
        el('p', { class: 'fine' }, ownerName(f)),
        p ? el('p', { class: 'fine' }, 'Protocol: ' + p.title + ', version ' + p.version) : el('p', { class: 'fine' },
          'No data-sharing protocol: SafeMap may not load or show this feed.'),
        facts([['Files loaded', number(f.batches)], ['Records', number(f.records)],
          ['Rows quarantined', number(f.quarantined)]]),
        el('p', { class: 'actions' },
          el('a', { href: link('', { feed: name }), class: 'button' }, 'Batches and uploads'),
          f.owner ? el('a', { href: link('usage', { partner: f.owner }), class: 'button' }, 'Usage report') : ''));
    }));
  }

  // ------------------------------------------------------------------------------- reloading protocols and feeds
  const CHANGES = [['protocols_added', 'New protocols'], ['protocols_changed', 'Protocols with a new version'],
    ['protocols_removed', 'Protocols withdrawn'], ['feeds_added', 'New feeds'], ['feeds_changed', 'Feeds changed'],
    ['feeds_removed', 'Feeds removed']];

  // A change as the server lists it ("yot v1", "fire-irs v1 -> v2", "yot") with the feed's label and the words.
  function changed(item) {
    const m = /^(\S+) v(\d+)(?: -> v(\d+))?$/.exec(item);
    if (!m) return feedLabel(item);
    return feedLabel(m[1]) + (m[3] ? ': version ' + m[2] + ' to ' + m[3] : ', version ' + m[2]);
  }

  // Admins put changed protocol and feed files in force without a restart; the server checks them all first.
  function reloadSection() {
    const result = el('div', { id: 'reload-result', role: 'status' });
    const button = el('button', { type: 'button', id: 'reload-catalogues' }, 'Reload protocols and feeds');
    button.addEventListener('click', async () => {
      button.disabled = true;
      result.replaceChildren(el('p', {}, 'Reloading\u2026'));
      let change;
      try {
        change = JSON.parse((await answer('/api/protocols/reload', 'application/json', { method: 'POST' })).text);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        button.disabled = false;
        result.replaceChildren(problem(e, 'reloading protocols and feeds'));
        return;
      }
      // What the asker may do with each feed may have changed: ask again, then redraw the lists.
      state.protocols = null;
      state.batches.clear();
      await Promise.all([protocols(), feeds(true)]).catch(() => null);
      showEntry();
      const box = el('div', { class: 'reload-outcome' });
      if (change.outcome === 'unchanged') {
        box.append(el('p', {}, el('strong', {}, 'Nothing had changed.'), ' The protocols and feeds in force are '
          + 'already those in SafeMap\u2019s folders.'));
      } else {
        box.append(el('p', {}, el('strong', {}, 'Reloaded.'), ' The changed files are in force now, for maps, '
          + 'tables and uploads alike; the reload is in the audit log.'),
        el('ul', { class: 'reasons' }, CHANGES.filter(([key]) => (change[key] || []).length)
          .map(([key, text]) => el('li', {}, text + ': ' + change[key].map(changed).join('; ')))));
      }
      result.replaceChildren(box);
      const cards = main.querySelector('.feed-cards');
      if (cards) cards.replaceWith(feedCards(ownFeeds()));
      button.disabled = false;
    });
    return el('section', { class: 'reload-section', 'aria-labelledby': 'reload-heading' },
      el('h3', { id: 'reload-heading' }, 'Protocols and feeds'),
      el('p', { class: 'fine' }, 'SafeMap reads the data-sharing protocols and feed definitions from its folders when '
        + 'it starts. After changing a file there, reload them to put the change in force without a restart. Every '
        + 'file is checked first: if one cannot be used, SafeMap names it and nothing changes.'),
      button, result);
  }

  // -------------------------------------------------------------------------------------------- a feed's batches
  // Who loaded a batch, in plain words: their login, then how (the viewer, an API token, the server's command line).
  function loadedBy(b) {
    const by = b.loaded_by;
    const via = b.loaded_via;
    if (!by) return el('span', { class: 'fine' }, 'not recorded');
    if (by.startsWith('cli:')) {
      return el('span', { class: 'who' }, by.slice(4),
        el('span', { class: 'how' }, ' at the server\u2019s command line'));
    }
    const how = via === 'session' ? 'signed in to the viewer' : /^token /.test(via || '') ? 'with API ' + via
      : via === 'cli' ? 'at the server\u2019s command line' : via;
    return el('span', { class: 'who' }, by, how ? el('span', { class: 'how' }, ' (' + how + ')') : null);
  }

  function protocolVersion(b) {
    return b.protocol_version === null || b.protocol_version === undefined ? 'not recorded'
      : 'version ' + b.protocol_version;
  }

  // What the retention purge has deleted of a batch's records: nothing (null), some, or all (with when).
  function purged(b) {
    if (b.purged_at) return 'all ' + number(b.rows_purged) + ' records, ' + when(b.purged_at);
    return b.rows_purged ? number(b.rows_purged) + ' of ' + number(b.accepted) + ' records' : null;
  }

  // The same, short enough for a column of the batch list.
  function purgedShort(b) {
    if (b.purged_at) return number(b.rows_purged) + ' deleted ' + new Date(b.purged_at).toLocaleDateString('en-GB',
      { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });
    return b.rows_purged ? number(b.rows_purged) + ' of ' + number(b.accepted) + ' deleted' : '\u2013';
  }

  async function batchesOf(feed, fresh) {
    if (!state.batches.has(feed) || fresh) state.batches.set(feed, await getJson('/api/feeds/'
      + encodeURIComponent(feed) + '/batches'));
    return state.batches.get(feed);
  }

  function batchTable(feed, batches) {
    if (!batches.length) return el('p', {}, 'No file has been loaded into this feed yet.');
    // Rows read are loaded plus quarantined: the batch's own page says it, the list has room for who and how.
    const withPurge = batches.some(b => purged(b));
    const headers = ['Batch', 'File', { text: 'Loaded at', time: true }, { text: 'Loaded', num: true },
      { text: 'Quarantined', num: true }, 'Loaded by', 'Protocol'];
    if (withPurge) headers.push('Retention');
    const rows = [...batches].reverse().map(b => {
      const cells = [el('a', { href: link('', { feed: feed, batch: b.batch }) }, 'Batch ' + b.batch),
        el('span', { class: 'file' }, b.file), when(b.loaded_at), number(b.accepted),
        b.quarantined ? el('span', { class: 'warn' }, number(b.quarantined)) : '0', loadedBy(b), protocolVersion(b)];
      if (withPurge) cells.push(purgedShort(b));
      return cells;
    });
    return table('Files loaded into ' + feedLabel(feed) + ', newest first', headers, rows, { class: 'batches' });
  }

  async function feedPage(route) {
    const feed = route.params.feed;
    const p = protocolOf(feed);
    const out = [crumbs(['Your feeds', link('')], [feedLabel(feed), '']), heading(feedLabel(feed))];
    if (p) {
      out.push(el('p', { class: 'fine' }, 'Supplied by ' + p.partner_name + ' under \u201c' + p.title
        + '\u201d, version ' + p.version + '.'));
    }
    const batchBox = el('section', { class: 'batches-section', 'aria-labelledby': 'batches-heading' },
      el('h3', { id: 'batches-heading' }, 'Files loaded'));
    // The batches are asked for whatever GET /api/feeds said: a refusal is shown in the server's words (and is in
    // the audit log, where the feed's custodian sees it).
    let refused = false;
    try {
      batchBox.append(batchTable(feed, await batchesOf(feed, true)));
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      refused = true;
      batchBox.append(problem(e, 'the files loaded into ' + feedLabel(feed)));
    }
    // An upload is offered to those the server says may load into the feed.
    const f = feedOf(feed);
    const grid = el('div', { class: 'feed-grid' }, batchBox);
    if (f && f.may_load) {
      grid.append(uploadForm(feed));
    } else if (!refused && f) {
      out.push(el('p', { class: 'fine', id: 'no-upload' }, 'You may read this feed\u2019s files; only '
        + (ownerName(f) || 'its own partner') + '\u2019s custodians and administrators load files into it.'));
    }
    out.push(grid);
    return out;
  }

  // ------------------------------------------------------------------------------------------------------ upload
  function uploadForm(feed) {
    const input = el('input', { type: 'file', id: 'upload-file', name: 'file', multiple: true, required: true,
      'aria-describedby': 'upload-help' });
    const button = el('button', { type: 'submit', id: 'upload-submit' }, 'Upload and load');
    const progress = el('progress', { id: 'upload-progress', max: 100, hidden: true, 'aria-labelledby': 'upload-status' });
    const status = el('p', { id: 'upload-status', class: 'upload-status', role: 'status', 'aria-live': 'polite' });
    const results = el('div', { id: 'upload-results' });
    const maxMb = state.config && state.config.uploadMaxMb;
    const form = el('form', { class: 'upload', id: 'upload-form' },
      el('label', { htmlFor: 'upload-file', class: 'stacked' }, 'File to load into ' + feedLabel(feed), input),
      el('p', { id: 'upload-help', class: 'fine' }, 'Each file is checked row by row and becomes one batch, as '
        + '\u201csafemap ingest\u201d would load it. A row that fails a check is kept in quarantine with its reason; '
        + 'a file sent twice is loaded once.' + (maxMb ? ' Up to ' + maxMb + ' MB in one upload.' : '')),
      button, status, progress, results);
    // Over the server's limit: said at once, and not sent (the server would refuse it after the whole wait).
    const overLimit = files => {
      const total = files.reduce((n, f) => n + f.size, 0);
      if (!maxMb || total <= maxMb * 1024 * 1024) return null;
      const what = files.length === 1 ? 'the file ' + files[0].name + ' is ' : 'these ' + files.length + ' files are ';
      return problem(new Problem(413, 'too_large', what + bytes(total) + ', over SafeMap\u2019s upload limit of '
        + maxMb + ' MB: nothing will be sent. Split it into smaller files, or ask an administrator to load it with '
        + '\u201csafemap ingest\u201d'), 'the file to upload');
    };
    input.addEventListener('change', () => {
      const warning = overLimit([...input.files]);
      results.replaceChildren(...(warning ? [warning] : []));
      status.textContent = '';
    });
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const files = [...input.files];
      if (!files.length) return;
      const warning = overLimit(files);
      if (warning) {
        results.replaceChildren(warning);
        status.textContent = 'Not sent: over the upload limit.';
        return;
      }
      button.disabled = true;
      results.replaceChildren();
      const total = files.reduce((n, f) => n + f.size, 0);
      const what = files.length === 1 ? files[0].name : files.length + ' files';
      progress.hidden = false;
      progress.value = 0;
      status.textContent = 'Sending ' + what + ' (' + bytes(total) + ')\u2026';
      let lastSaid = 0;
      const answer = await send(feed, files, (done, loaded) => {
        if (done === null) return;
        if (done >= 1) {
          progress.removeAttribute('value');  // indeterminate: the server is reading and checking the rows
          status.textContent = 'Sent. SafeMap is checking and loading ' + what + '\u2026';
          return;
        }
        progress.value = Math.round(done * 100);
        // Screen readers hear every quarter, not every packet.
        if (done - lastSaid >= 0.25) {
          lastSaid = done;
          status.textContent = 'Sending ' + what + ': ' + Math.round(done * 100) + '% of ' + bytes(total) + '\u2026';
        }
      });
      progress.hidden = true;
      button.disabled = false;
      results.replaceChildren(...outcome(feed, answer));
      status.textContent = summary(answer);
      if (answer.body && answer.body.uploads) {
        form.reset();
        const fresh = await batchesOf(feed, true).catch(() => null);
        await feeds(true).catch(() => null);
        const old = document.querySelector('.batches-section .table-wrap, .batches-section > p');
        if (fresh && old) old.replaceWith(batchTable(feed, fresh));
      }
      const first = results.querySelector('h4');
      if (first) first.focus();
    });
    return el('section', { class: 'upload-section', 'aria-labelledby': 'upload-heading' },
      el('h3', { id: 'upload-heading' }, 'Load a new file'), form);
  }

  // multipart through XMLHttpRequest, which reports upload progress (fetch does not); the CSRF token as fetch sends it.
  function send(feed, files, onProgress) {
    return new Promise(resolve => {
      const form = new FormData();
      files.forEach(f => form.append('file', f, f.name));
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/feeds/' + encodeURIComponent(feed) + '/uploads');
      xhr.setRequestHeader('Accept', 'application/json');
      const csrf = window.SafeMapAuth && window.SafeMapAuth.csrf();
      if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.upload.addEventListener('progress', e => onProgress(e.lengthComputable ? e.loaded / e.total : null, e.loaded));
      xhr.upload.addEventListener('load', () => onProgress(1));
      xhr.addEventListener('load', () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* shown by status below */ }
        resolve({ status: xhr.status, body: body });
      });
      xhr.addEventListener('error', () => resolve({ status: 0, body: null }));
      xhr.send(form);
    });
  }

  function summary(answer) {
    const ups = answer.body && answer.body.uploads;
    if (!ups) return 'The upload did not load.';
    const n = k => ups.filter(u => u.status === k).length;
    return [n('loaded') && n('loaded') + ' loaded', n('already_loaded') && n('already_loaded') + ' already loaded',
      n('refused') + n('failed') && (n('refused') + n('failed')) + ' not loaded'].filter(Boolean).join(', ') + '.';
  }

  function outcome(feed, answer) {
    if (!answer.body || !answer.body.uploads) {
      const body = answer.body || {};
      const message = answer.status === 0
        ? 'the connection closed before SafeMap answered: the file may be over the server\u2019s upload limit, or the '
          + 'network dropped. Try again, or ask the administrator to load it with \u201csafemap ingest\u201d'
        : body.message || 'the server answered ' + answer.status;
      return [problem(new Problem(answer.status, body.error || '', message), 'uploading to ' + feedLabel(feed))];
    }
    return answer.body.uploads.map(u => {
      const b = u.batch;
      const box = el('div', { class: 'upload-outcome ' + u.status });
      if (u.status === 'loaded') {
        box.append(el('h4', { tabindex: '-1' }, u.file + ': loaded as batch ' + b.batch),
          el('p', {}, number(b.rows_read) + ' rows read: ' + number(b.accepted) + ' loaded, ' + number(b.quarantined)
            + ' quarantined.'));
      } else if (u.status === 'already_loaded') {
        box.append(el('h4', { tabindex: '-1' }, u.file + ': already loaded, as batch ' + b.batch),
          el('p', {}, 'A file with exactly these contents was loaded before, so nothing changed.'));
      } else {
        box.setAttribute('role', 'alert');
        box.append(el('h4', { tabindex: '-1' }, u.file + ': not loaded'),
          el('p', {}, sentence(u.error ? u.error.message : 'the server gave no reason')));
      }
      if (b && b.quarantined && u.status === 'loaded') {
        box.append(el('p', {}, 'Why rows were quarantined:'), el('ul', { class: 'reasons' },
          Object.entries(b.reasons || {}).map(([reason, count]) => el('li', {}, number(count) + ' \u00d7 ' + reason))));
      }
      if (b) {
        box.append(el('p', {}, el('a', { href: link('', { feed: feed, batch: b.batch }) },
          'Open batch ' + b.batch + (b.quarantined ? ' and its quarantined rows' : ''))));
      }
      return box;
    });
  }

  // ----------------------------------------------------------------------------------------------------- a batch
  // One page of a batch's quarantined rows, and how the server shows the partner's references in them.
  async function quarantinePage(feed, batch, page) {
    const a = await answer('/api/feeds/' + encodeURIComponent(feed) + '/batches/' + encodeURIComponent(batch)
      + '/quarantine?' + new URLSearchParams({ format: 'json', offset: (page - 1) * PAGE_ROWS, limit: PAGE_ROWS }),
    'application/json');
    return Object.assign(JSON.parse(a.text), { references: a.headers.get('X-SafeMap-References') });
  }

  // X-SafeMap-References in plain words, naming the protocol's linkage fields.
  function referencesNote(references, feed) {
    const p = protocolOf(feed);
    const fields = p && p.linkage_fields && p.linkage_fields.length ? p.linkage_fields.join(', ') : 'references';
    const text = {
      'as-sent': 'You see these rows as your file sent them, with your own references (' + fields + '). Anyone else '
        + 'who may read them sees keyed hashes in their place: SafeMap keeps the references only sealed, and opens '
        + 'them for the feed\u2019s custodians.',
      'hashed': 'The partner\u2019s references (' + fields + ') are shown as keyed hashes (hmac:\u2026), not as '
        + 'sent: the protocol shows them only to the feed\u2019s own custodians. The rest of each row is as sent.',
      'none': 'This feed\u2019s protocol keeps no reference as a hash, so each row is shown as the file sent it.'
    }[references];
    return text ? el('p', { id: 'references-note', class: 'references ' + references }, text) : null;
  }

  function counts(caption, what, map, label) {
    const entries = Object.entries(map || {});
    if (!entries.length) return null;
    return table(caption, [what, { text: 'Rows', num: true }],
      entries.sort((a, b) => b[1] - a[1]).map(([k, n]) => [label ? label(k) : k, number(n)]),
      { showCaption: true, rowHeader: true, class: 'compact' });
  }

  async function batchPage(route, previous) {
    const feed = route.params.feed;
    const id = route.params.batch;
    const b = await getJson('/api/feeds/' + encodeURIComponent(feed) + '/batches/' + encodeURIComponent(id));
    const out = [crumbs(['Your feeds', link('')], [feedLabel(feed), link('', { feed: feed })], ['Batch ' + b.batch, '']),
      heading('Batch ' + b.batch + ': ' + b.file)];
    const figures = facts([['Loaded at', when(b.loaded_at)], ['Loaded by', loadedBy(b)],
      ['Protocol', protocolVersion(b)],
      ['Rows read', number(b.rows_read)], ['Loaded', number(b.accepted)], ['Quarantined', number(b.quarantined)],
      ['Linked to another feed\u2019s record', number(b.linked)],
      ['Inside the loaded areas', b.area_match_rate === null || b.area_match_rate === undefined
        ? 'not yet known' : Math.round(b.area_match_rate * 1000) / 10 + '%'],
      purged(b) ? ['Deleted at end of retention', purged(b)] : null]);
    out.push(figures, el('p', { class: 'fine' }, 'File fingerprint (SHA-256): ', el('code', {}, b.sha256)));
    const side = el('div', { class: 'batch-counts' },
      counts('Why rows were quarantined', 'Reason', b.reasons),
      counts('How loaded records were placed', 'Method', b.geocode_methods, k => METHODS[k] || k));
    if (side.children.length) out.push(side);

    const section = el('section', { class: 'quarantine', 'aria-labelledby': 'quarantine-heading' },
      el('h3', { id: 'quarantine-heading', tabindex: '-1' }, 'Quarantined rows'));
    out.push(section);
    if (!b.quarantined) {
      section.append(el('p', {}, 'Every row of this file was loaded; none is in quarantine.'));
      return out;
    }
    let q;
    let page = Math.max(1, parseInt(route.params.page, 10) || 1);
    try {
      q = await quarantinePage(feed, b.batch, page);
      if (!q.rows.length && q.total > 0) {  // a page past the end (the link was old): the last page
        page = Math.ceil(q.total / PAGE_ROWS);
        q = await quarantinePage(feed, b.batch, page);
      }
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      section.append(problem(e, 'the quarantined rows'));
      return out;
    }
    if (!q.total) {
      section.append(el('p', {}, b.purged_at ? 'The quarantined rows were deleted with the batch\u2019s records at '
        + 'the end of retention, ' + when(b.purged_at) + '.' : 'No quarantined row is left for this batch.'));
      return out;
    }
    const pages = Math.max(1, Math.ceil(q.total / PAGE_ROWS));
    const range = 'Rows ' + number(q.offset + 1) + ' to ' + number(q.offset + q.rows.length) + ' of '
      + number(q.total);
    const asSent = q.references !== 'hashed';
    section.append(referencesNote(q.references, feed) || '', el('p', { class: 'fine' }, 'Each row with the line it '
      + 'was on, the field that failed and why. Correct them in your system and send the rows again in a new file. ',
    el('a', { href: '/api/feeds/' + encodeURIComponent(feed) + '/batches/' + b.batch + '/quarantine',
      download: 'quarantine-batch-' + b.batch + '.csv' }, 'Download all ' + number(q.total) + ' rows (CSV)')));
    section.append(table(range + ' quarantined from ' + b.file, [{ text: 'Line', num: true }, 'Field', 'Reason',
      asSent ? 'Row as sent' : 'Row, references hashed'], q.rows.map(r => [String(r.line), r.field || '\u2013',
      r.reason, el('code', { class: 'raw' }, r.row || '')]), { showCaption: true, class: 'quarantine-rows' }));
    if (pages > 1) section.append(pager(page, pages, n => link('', { feed: feed, batch: b.batch, page: n > 1 ? n : '' }),
      'Pages of quarantined rows'));
    return out;
  }

  function pager(page, pages, href, label) {
    return el('nav', { class: 'pager', 'aria-label': label },
      page > 1 ? el('a', { href: href(page - 1), rel: 'prev', class: 'button' }, '\u2190 Previous') : null,
      el('span', {}, 'Page ' + page + ' of ' + pages),
      page < pages ? el('a', { href: href(page + 1), rel: 'next', class: 'button' }, 'Next \u2192') : null);
  }

  // ------------------------------------------------------------------------------------------------ usage report
  function actionLabel(code) {
    return ACTIONS[code] || (code.startsWith('export.') ? 'Exports (' + code.slice(7) + ')' : code);
  }

  function usageTable(caption, first, rows, label) {
    return table(caption, [first, { text: 'Requests', num: true }, { text: 'Refused', num: true },
      { text: 'Records returned', num: true }, { text: 'First', time: true }, { text: 'Last', time: true }],
    rows.map(r => [label ? label(r.key) : r.key, number(r.accesses), r.refused ? el('strong', {}, number(r.refused)) : '0',
      number(r.records), when(r.first), when(r.last)]), { showCaption: true, rowHeader: true });
  }

  async function usagePage(route) {
    const s = state.session;
    if (!s.signedIn) return signInFirst();
    const choices = partners();
    const partner = route.params.partner || (choices.includes(s.partner) ? s.partner : choices[0]);
    const out = [heading('Usage report')];
    if (partner) {
      out.push(el('p', { class: 'lead' }, 'How the data ' + partnerName(partner) + ' supplies has been used: who used '
        + 'it, how, for which declared purpose, and what SafeMap refused.'));
    }
    out.push(usageForm(route, choices, partner));
    if (!partner) {
      out.push(el('p', {}, 'Your partner supplies no feed, so there is no usage to report.'));
      return out;
    }
    let report;
    try {
      report = await getJson('/api/audit/usage?' + new URLSearchParams(Object.entries({ partner: partner,
        from: route.params.from || '', to: route.params.to || '' }).filter(([, v]) => v)));
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      out.push(problem(e, 'the usage report for ' + partner));
      return out;
    }
    const t = report.totals;
    const period = (report.from ? 'from ' + report.from : 'since the audit log began') + ' '
      + (report.to ? 'to ' + report.to : 'to now');
    out.push(el('p', { class: 'lead', id: 'usage-summary' }, t.accesses === 0
      ? 'No recorded request touched ' + report.feeds.join(', ') + ' ' + period + '.'
      : number(t.accesses) + ' recorded requests touched ' + report.feeds.map(feedLabel).join(', ') + ' ' + period
        + ': ' + number(t.refused) + ' refused, ' + number(t.records) + ' records or cells returned (the largest '
        + 'single answer ' + number(t.largest) + '). First ' + when(t.first) + ', last ' + when(t.last) + '.'));
    if (t.accesses > 0) {
      out.push(el('div', { class: 'usage-tables' },
        table('Who used it', ['User', 'Role', 'Their partner', { text: 'Requests', num: true },
          { text: 'Refused', num: true }, { text: 'Records returned', num: true }, { text: 'First', time: true },
          { text: 'Last', time: true }],
        report.byUser.map(u => [u.user, u.role, u.partner || '\u2013', number(u.accesses),
          u.refused ? el('strong', {}, number(u.refused)) : '0', number(u.records), when(u.first), when(u.last)]),
        { showCaption: true, rowHeader: true, class: 'by-user' }),
        usageTable('For which purpose', 'Purpose declared', report.byPurpose,
          k => k === '(none)' ? 'none declared' : k.replace(/-/g, ' ')),
        usageTable('How', 'What was done', report.byAction, actionLabel),
        usageTable('By month', 'Month', report.byMonth),
        usageTable('By feed', 'Feed', report.byFeed, feedLabel)));
    }
    out.push(el('p', { class: 'fine' }, 'Counted from the tamper-evident audit log, report made ' + when(report.generatedAt)
      + '. A request is counted once for each of these feeds it touched; refusals are requests SafeMap turned down. '
      + 'Reading this report is itself recorded.'));
    return out;
  }

  function usageForm(route, choices, partner) {
    const form = el('form', { class: 'filters', id: 'usage-form' });
    if (choices.length > 1) {
      const select = el('select', { id: 'usage-partner', name: 'partner' },
        choices.map(p => el('option', { value: p, selected: p === partner }, partnerName(p))));
      form.append(el('label', { htmlFor: 'usage-partner', class: 'stacked' }, 'Partner', select));
    }
    form.append(
      el('label', { htmlFor: 'usage-from', class: 'stacked' }, 'From (first day)',
        el('input', { type: 'date', id: 'usage-from', name: 'from', value: route.params.from || '' })),
      el('label', { htmlFor: 'usage-to', class: 'stacked' }, 'To (last day)',
        el('input', { type: 'date', id: 'usage-to', name: 'to', value: route.params.to || '' })),
      el('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', e => {
      e.preventDefault();
      const data = new FormData(form);
      location.hash = link('usage', { partner: data.get('partner') || partner, from: data.get('from'),
        to: data.get('to') });
    });
    return form;
  }

  // --------------------------------------------------------------------------------------------------- audit log
  function reason(entry) {
    try {
      const d = JSON.parse(entry.detailJson || '{}');
      return d.reason || '';
    } catch (e) {
      return '';
    }
  }

  async function auditPage(route) {
    if (!state.session.signedIn) return signInFirst();
    const p = route.params;
    const out = [heading('Audit log'),
      el('p', { class: 'fine' }, 'Every access to restricted data and every refusal, in the order recorded. Reading '
        + 'the log is itself recorded.')];
    const form = el('form', { class: 'filters', id: 'audit-form' },
      el('label', { htmlFor: 'audit-actor', class: 'stacked' }, 'Who (login)',
        el('input', { id: 'audit-actor', name: 'actor', value: p.actor || '', autocomplete: 'off' })),
      el('label', { htmlFor: 'audit-action', class: 'stacked' }, 'Action (e.g. export)',
        el('input', { id: 'audit-action', name: 'action', value: p.action || '', autocomplete: 'off' })),
      el('label', { htmlFor: 'audit-from', class: 'stacked' }, 'From',
        el('input', { type: 'date', id: 'audit-from', name: 'from', value: p.from || '' })),
      el('label', { htmlFor: 'audit-to', class: 'stacked' }, 'To',
        el('input', { type: 'date', id: 'audit-to', name: 'to', value: p.to || '' })),
      el('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', e => {
      e.preventDefault();
      const d = new FormData(form);
      location.hash = link('audit', { actor: d.get('actor'), action: d.get('action'), from: d.get('from'),
        to: d.get('to') });
    });
    out.push(form);
    let page;
    try {
      const q = Object.entries({ actor: p.actor, action: p.action, from: p.from, to: p.to, after: p.after,
        limit: AUDIT_PAGE }).filter(([, v]) => v !== undefined && v !== '');
      page = await getJson('/api/audit?' + new URLSearchParams(q));
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      out.push(problem(e, 'the audit log'));
      return out;
    }
    if (!page.entries.length) {
      out.push(el('p', {}, 'No entry matches.'));
    } else {
      out.push(table('Audit entries ' + page.entries[0].seq + ' to ' + page.entries[page.entries.length - 1].seq,
        [{ text: 'Entry', num: true }, { text: 'When', time: true }, 'Who', 'Purpose', 'Action',
          { text: 'What', wide: true }, 'Feeds', { text: 'Result', num: true }, { text: 'Outcome', wide: true }],
        page.entries.map(e => [String(e.seq), when(e.at), (e.actor || 'anonymous') + ' (' + e.role
          + (e.partner ? ', ' + e.partner : '') + ')', e.purpose || '\u2013', actionLabel(e.action),
        e.resource, Object.keys(e.feeds || {}).join(', ') || '\u2013',
        e.resultSize === null ? '\u2013' : number(e.resultSize),
        e.outcome === 'refused' ? el('span', {}, el('strong', {}, 'refused'), reason(e) ? ': ' + reason(e) : '')
          : e.outcome]), { showCaption: true, class: 'audit-entries' }));
    }
    if (page.next) {
      out.push(el('nav', { class: 'pager', 'aria-label': 'Pages of the audit log' },
        p.after ? el('a', { href: link('audit', Object.assign({}, p, { after: '' })), class: 'button' }, 'First page') : null,
        el('a', { href: link('audit', Object.assign({}, p, { after: page.next })), rel: 'next', class: 'button' },
          'Next ' + AUDIT_PAGE + ' entries \u2192')));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------- retention reports
  async function retentionPage(route) {
    if (!state.session.signedIn) return signInFirst();
    const out = [heading('Retention reports'),
      el('p', {}, 'When records reach the end of the retention period their protocol sets, SafeMap deletes them and '
        + 'writes a report for the feed\u2019s custodian: what was deleted, batch by batch, under which clause, and '
        + 'what remains.')];
    let listed;
    try {
      listed = (await getJson('/api/retention/reports')).reports;
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      out.push(problem(e, 'the retention reports'));
      return out;
    }
    if (!listed.length) {
      out.push(el('p', {}, 'No retention report yet: nothing of your feeds has reached the end of its retention period.'));
    } else {
      out.push(table('Retention reports, newest first', ['Report', 'Feed', 'Partner', 'Date',
        { text: 'Records deleted', num: true }, 'Files'],
      [...listed].sort((a, b) => String(b.date).localeCompare(String(a.date))).map(r => [
        el('a', { href: link('retention', { report: r.name }) }, r.name), feedLabel(r.feed), r.partner, r.date,
        number(r.recordsDeleted), el('span', {}, el('a', { href: '/api/retention/reports/' + encodeURIComponent(r.name)
          + '.txt' }, 'text'), ' \u00b7 ', el('a', { href: '/api/retention/reports/' + encodeURIComponent(r.name)
          + '.json' }, 'JSON'))]), { showCaption: true }));
    }
    if (route.params.report) {
      const section = el('section', { 'aria-labelledby': 'report-heading' },
        el('h3', { id: 'report-heading', tabindex: '-1' }, route.params.report));
      try {
        section.append(el('pre', { class: 'report-text', 'data-label': 'Report ' + route.params.report },
          await request('/api/retention/reports/'
          + encodeURIComponent(route.params.report) + '.txt', 'text/plain')));
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        section.append(problem(e, 'the report'));
      }
      out.push(section);
    }
    return out;
  }

  // A table or report wider than the screen scrolls sideways: keyboard users can reach it (Tab) and scroll it with
  // the arrow keys, and screen readers hear what it is.
  function scrollables() {
    main.querySelectorAll('.table-wrap, pre.report-text').forEach(box => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.tabIndex = 0;
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', box.dataset.label);
      } else {
        ['tabindex', 'role', 'aria-label'].forEach(a => box.removeAttribute(a));
      }
    });
  }

  window.addEventListener('resize', () => { if (!main.hidden) scrollables(); });

  // ------------------------------------------------------------------------------------------ switching views
  function showCustodian() {
    const wasMap = !layout.hidden;
    layout.hidden = true;
    main.hidden = false;
    if (skip) skip.hidden = true;
    state.mapShown = false;
    return wasMap;
  }

  function showMap() {
    main.hidden = true;
    main.replaceChildren();
    layout.hidden = false;
    if (skip) skip.hidden = false;
    document.title = 'SafeMap';
    delete document.body.dataset.custodian;
    if (!state.mapShown) {
      state.mapShown = true;
      document.dispatchEvent(new CustomEvent('safemap-map-shown'));
    }
  }

  function onHash(event) {
    if (!isCustodianHash(location.hash)) {
      showMap();
      return;
    }
    // The map's view, to go back to: the URL it had when the reader left it.
    if (event && !isCustodianHash(new URL(event.oldURL).hash)) state.mapHash = new URL(event.oldURL).hash || '#';
    showCustodian();
    const before = state.route;
    const after = parse(location.hash);
    const onlyPage = before && before.view === 'batch' && after.view === 'batch'
      && before.params.batch === after.params.batch && before.params.feed === after.params.feed;
    render(onlyPage ? '#quarantine-heading' : null);
  }

  // The entry is for those GET /api/feeds says may load into a feed or read its files.
  function showEntry() {
    const s = state.session;
    entry.hidden = !(s && s.signedIn && (ownFeeds().length > 0 || readableFeeds().length > 0));
  }

  async function onSession(session) {
    state.session = session;
    try {
      await Promise.all([protocols(), feeds(true)]);
    } catch (e) {
      // No entry for now; a custodian page asks again, and says what went wrong.
      state.protocols = null;
      state.feeds = null;
    }
    showEntry();
    if (isCustodianHash(location.hash)) render();
  }

  document.addEventListener('safemap-session', event => onSession(event.detail));
  // auth.js may have heard from the server before this script arrived: then its event has already gone.
  if (window.SafeMapAuth && window.SafeMapAuth.session()) onSession(window.SafeMapAuth.session());

  entry.addEventListener('click', () => {
    if (!isCustodianHash(location.hash)) state.mapHash = location.hash || '#';
  });

  window.addEventListener('hashchange', onHash);
  window.SafeMapCustodian = { active: () => isCustodianHash(location.hash) };

  if (isCustodianHash(location.hash)) {
    state.focusOnRender = false;  // a page opened by a link starts at the top, as any page does
    showCustodian();
    render();
  }
})();
