// SafeMap viewer, the tasking meeting's action log: the actions agreed against a hot spot or an area, who owns them
// and how they stand. Two places use it: the area profile (app.js calls SafeMapActions.section for the area shown)
// and the log's own page (actions.html: every action, filters, the CSV). Who may read or record actions is the
// server's decision (GET/POST/PATCH /api/actions); its refusals are shown as it words them. The section or page
// carries data-actions="ready" when its list has loaded (for tests and scripts).
'use strict';

(function () {
  const STATUSES = [['open', 'Open'], ['in_progress', 'In progress'], ['done', 'Done'], ['dropped', 'Dropped']];
  let formCount = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) return;
      if (k === 'class') node.className = v; else if (k in node) node[k] = v; else node.setAttribute(k, v);
    });
    children.flat().forEach(c => { if (c !== null && c !== undefined && c !== false) node.append(c); });
    return node;
  }

  // The server's messages are sentences without a capital or a full stop; shown as sentences.
  function sentence(text) {
    const t = String(text || '').trim();
    return t ? t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : '';
  }

  function day(iso) {
    return iso ? new Date(iso + 'T12:00:00Z').toLocaleDateString('en-GB', { day: 'numeric', month: 'short',
      year: 'numeric' }) : '\u2013';
  }

  async function call(method, url, body) {
    const response = await fetch(url, { method, headers: Object.assign({ Accept: 'application/json' },
      body ? { 'Content-Type': 'application/json' } : {}), body: body ? JSON.stringify(body) : undefined });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(sentence(answer.message || response.status + ' ' + response.statusText));
    return answer;
  }

  function field(id, label, input) {
    input.id = id;
    return el('label', { class: 'stacked', for: id }, label, input);
  }

  // One action as a row: what, who, when, and its status and notes, which the meeting changes as it reviews it.
  function row(a, onSaved, showArea) {
    const n = a.id;
    const status = el('select', { id: 'action-status-' + n },
      ...STATUSES.map(([k, l]) => el('option', { value: k, selected: k === a.status }, l)));
    const notes = el('input', { id: 'action-notes-' + n, value: a.notes || '', maxLength: 4000 });
    const message = el('span', { class: 'fine', role: 'status' });
    const save = el('button', { type: 'button', class: 'action-save' }, 'Save');
    save.addEventListener('click', async () => {
      save.disabled = true;
      message.textContent = '';
      try {
        await call('PATCH', '/api/actions/' + n, { status: status.value, notes: notes.value, version: a.version });
        message.textContent = 'Saved.';
        onSaved();
      } catch (e) {
        message.textContent = e.message;
      } finally {
        save.disabled = false;
      }
    });
    return el('tr', { 'data-action': n },
      showArea ? el('td', {}, a.areaName + ' (' + a.area + ')') : null,
      el('td', {}, el('strong', {}, a.problem), el('br'), a.action),
      el('td', {}, a.agency, el('br'), el('span', { class: 'fine' }, a.owner)),
      el('td', {}, day(a.agreedOn), el('br'), el('span', { class: 'fine' }, a.dueOn ? 'due ' + day(a.dueOn) : 'no due date')),
      el('td', {}, el('label', { class: 'visually-hidden', for: status.id }, 'Status of action ' + n), status,
        el('label', { class: 'visually-hidden', for: notes.id }, 'Notes on action ' + n), notes, save, message));
  }

  function table(actions, onSaved, showArea) {
    if (!actions.length) return el('p', { class: 'fine' }, 'No actions recorded.');
    return el('table', { class: 'categories action-log' },
      el('thead', {}, el('tr', {}, showArea ? el('th', { scope: 'col' }, 'Area') : null,
        el('th', { scope: 'col' }, 'Problem and action'), el('th', { scope: 'col' }, 'Owner'),
        el('th', { scope: 'col' }, 'Agreed'), el('th', { scope: 'col' }, 'Status and notes'))),
      el('tbody', {}, ...actions.map(a => row(a, onSaved, showArea))));
  }

  // The form to record a new action; areaCode fixed (the profile) or typed (the log's page), which a link may fill
  // in (an HTML tasking pack's "Record an action for hot spot N": #area=CODE&record=1&problem=TEXT).
  function form(areaCode, onSaved, given) {
    const f = 'action-form-' + (++formCount);
    const area = el('input', { required: true, value: areaCode || (given && given.area) || '', autocomplete: 'off',
      placeholder: 'e.g. E01006512' });
    const problem = el('textarea', { required: true, rows: 2, maxLength: 2000, value: (given && given.problem) || '' });
    const action = el('textarea', { required: true, rows: 2, maxLength: 2000 });
    const agency = el('input', { required: true, maxLength: 200 });
    const owner = el('input', { required: true, maxLength: 200 });
    const agreed = el('input', { type: 'date' });
    const due = el('input', { type: 'date' });
    const notes = el('input', { maxLength: 4000 });
    const message = el('p', { class: 'fine', role: 'alert' });
    const submit = el('button', { type: 'submit' }, 'Record the action');
    const node = el('form', { class: 'action-form', 'aria-label': 'Record an action' },
      areaCode ? null : field(f + '-area', 'Area code', area),
      field(f + '-problem', 'Problem', problem), field(f + '-action', 'Action', action),
      field(f + '-agency', 'Owning agency', agency), field(f + '-owner', 'Owner (person)', owner),
      field(f + '-agreed', 'Agreed on (the meeting\u2019s date; today if empty)', agreed),
      field(f + '-due', 'Due date', due), field(f + '-notes', 'Notes', notes), message, submit);
    node.addEventListener('submit', async event => {
      event.preventDefault();
      submit.disabled = true;
      message.textContent = '';
      try {
        const saved = await call('POST', '/api/actions', { area: area.value.trim(), problem: problem.value,
          action: action.value, agency: agency.value, owner: owner.value, agreedOn: agreed.value || null, dueOn: due.value || null,
          notes: notes.value || null });
        node.reset();
        if (areaCode) area.value = areaCode;
        message.textContent = 'Recorded action ' + saved.id + '.';
        onSaved();
      } catch (e) {
        message.textContent = e.message;
      } finally {
        submit.disabled = false;
      }
    });
    return node;
  }

  // The profile's "Actions" section for one area: its actions (and those of the areas in it) and the form. Until
  // auth.js knows who is signed in, the section waits for it.
  function section(area) {
    const box = el('section', { class: 'actions-here', 'aria-labelledby': 'actions-here-heading' },
      el('h3', { id: 'actions-here-heading' }, 'Actions'));
    const fill = session => {
      if (!session || !session.signedIn) {
        box.append(el('p', { class: 'fine' }, 'Sign in to see and record the tasking meeting\u2019s actions here.'));
        box.dataset.actions = 'ready';
        return;
      }
      const list = el('div', {}, el('p', { class: 'fine' }, 'Loading the actions\u2026'));
      const load = async () => {
        try {
          const actions = await call('GET', '/api/actions?area=' + encodeURIComponent(area.code));
          list.replaceChildren(table(actions, load, false));
        } catch (e) {
          list.replaceChildren(el('p', { class: 'fine', role: 'alert' }, e.message));
        }
        box.dataset.actions = 'ready';
      };
      box.append(list, el('details', {}, el('summary', {}, 'Record an action for ' + area.name),
        form(area.code, load)),
        el('p', {}, el('a', { href: '/actions.html#area=' + encodeURIComponent(area.code) }, 'The whole action log')));
      load();
    };
    const known = window.SafeMapAuth && window.SafeMapAuth.session();
    if (known) fill(known); else document.addEventListener('safemap-session', e => fill(e.detail), { once: true });
    return box;
  }

  // The log's own page (actions.html): filters in the URL's #fragment, the table, the CSV and the form.
  function page(root) {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const area = el('input', { value: params.get('area') || '', autocomplete: 'off' });
    const status = el('select', {}, el('option', { value: '' }, 'Any status'),
      ...STATUSES.map(([k, l]) => el('option', { value: k, selected: k === params.get('status') }, l)));
    const csv = el('a', { class: 'button', id: 'actions-csv' }, 'Download the log (CSV)');
    const list = el('div', { id: 'action-list', 'aria-live': 'polite' });
    const filters = el('form', { class: 'action-filters', 'aria-label': 'Which actions' },
      field('actions-area', 'Area code (and the areas in it)', area), field('actions-status', 'Status', status),
      el('button', { type: 'submit' }, 'Show'));
    const load = async () => {
      const q = new URLSearchParams();
      if (area.value.trim()) q.set('area', area.value.trim());
      if (status.value) q.set('status', status.value);
      history.replaceState(null, '', '#' + q.toString());
      csv.href = '/api/actions?' + new URLSearchParams(Object.assign(Object.fromEntries(q), { format: 'csv' }));
      delete root.dataset.actions;
      try {
        list.replaceChildren(table(await call('GET', '/api/actions?' + q), load, true));
      } catch (e) {
        list.replaceChildren(el('p', { role: 'alert' }, e.message));
      }
      root.dataset.actions = 'ready';
    };
    filters.addEventListener('submit', e => { e.preventDefault(); load(); });
    root.replaceChildren(el('h2', {}, 'Action log'),
      el('p', { class: 'fine' }, 'What the tasking meeting agreed to do about its hot spots and areas, who owns '
        + 'each action and how it stands. The next tasking pack reviews each one against the incidents in its area '
        + 'before and after it was agreed.'),
      filters, el('p', {}, csv), list, el('h2', { id: 'record-heading' }, 'Record an action'),
      form(null, load, params.get('record') ? { area: params.get('area'), problem: params.get('problem') } : null));
    load();
    if (params.get('record')) {
      // came from a pack's hot spot: the form is what the reader came for
      document.getElementById('record-heading').scrollIntoView();
      root.querySelector('form.action-form [id$="-action"]').focus();
    }
  }

  window.SafeMapActions = { section, page };

  const root = document.getElementById('action-page');
  if (root) {
    const start = session => {
      if (session && session.signedIn) {
        page(root);
      } else {
        root.replaceChildren(el('h2', {}, 'Action log'),
          el('p', {}, 'The action log is for partners\u2019 members: sign in to see it.'));
        root.dataset.actions = 'ready';
      }
    };
    document.addEventListener('safemap-session', event => start(event.detail));
    // auth.js may have heard from the server before this script ran: then its event has already gone.
    if (window.SafeMapAuth && window.SafeMapAuth.session()) start(window.SafeMapAuth.session());
  }
})();
