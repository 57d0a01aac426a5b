// The dashboard of `palisade ui`. Plain script, no framework, no build.
//
// Everything from the log (commands, paths, reasons) is text an agent or an
// attacker could have chosen: it only ever reaches the page through
// textContent and attribute values set here, never as HTML.
'use strict';

(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const VERDICTS = ['allow', 'ask', 'deny', 'pass', 'warn', 'block'];
  const $ = (id) => document.getElementById(id);

  // Builds an element. `attrs` may not name event handlers; children are
  // nodes or strings (added as text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (/^on/i.test(k)) throw new Error('no handlers as attributes');
      if (v !== null && v !== undefined && v !== false) e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }

  function time(ms) {
    return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  }

  function verdictBadge(v) {
    return el('span', { class: 'verdict v-' + (VERDICTS.includes(v) ? v : 'other') }, v);
  }

  function counts(c) {
    const span = el('span', { class: 'counts' });
    for (const v of Object.keys(c || {})) {
      span.appendChild(el('span', { class: 'count v-' + (VERDICTS.includes(v) ? v : 'other'), title: v }, v + ' ' + c[v]));
    }
    return span;
  }

  function fill(tbody, rows, empty, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      tbody.appendChild(el('tr', { class: 'empty' }, el('td', { colspan: columns }, empty)));
    }
    for (const r of rows) tbody.appendChild(r);
  }

  async function api(path) {
    const r = await fetch(path, {
      headers: { Authorization: 'Bearer ' + token },
      cache: 'no-store',
      credentials: 'omit',
    });
    const body = await r.json().catch(() => ({ error: r.status + ' ' + r.statusText }));
    if (!r.ok) throw new Error(body.error || r.status + ' ' + r.statusText);
    return body;
  }

  // A link-looking button that sets one filter and reloads the table.
  function filterButton(label, field, value) {
    const b = el('button', { type: 'button', class: 'link', title: 'show only these decisions' }, label);
    b.addEventListener('click', () => {
      $('f-' + field).value = value;
      loadDecisions();
      $('decisions').scrollIntoView();
    });
    return b;
  }

  function renderStatus(log) {
    const s = $('status');
    s.className = log.ok ? 'ok' : 'tampered';
    s.textContent = log.ok ? 'ok' : 'TAMPERED';
    if (log.ok) {
      $('status-detail').textContent =
        `${log.records} records in ${log.segments} segments, ${log.seals} seals checked, last seq ${log.last_seq} (${log.dir})`;
    } else {
      const p = log.problem;
      $('status-detail').textContent =
        `at ${p.at}: ${p.message} [${p.code}]; the ${log.records} records before it are intact (${log.dir})`;
    }
    $('status-warnings').replaceChildren(
      ...log.warnings.map((w) => el('li', { class: 'warning' }, `warning: ${w.at}: ${w.message} [${w.code}]`)));
  }

  function renderChart(t, verdicts) {
    const chart = $('chart');
    chart.replaceChildren();
    $('timeline-unit').textContent = t.buckets.length ? `(per ${t.unit}, UTC)` : '';
    if (t.buckets.length === 0) {
      chart.appendChild(el('p', { class: 'empty' }, 'No decisions yet.'));
      return;
    }
    const order = VERDICTS.filter((v) => v in verdicts).concat(Object.keys(verdicts).filter((v) => !VERDICTS.includes(v)));
    const W = 900, H = 180, pad = 24;
    const max = Math.max(1, ...t.buckets.map((b) => Object.values(b.counts).reduce((a, n) => a + n, 0)));
    const bw = Math.min(40, (W - pad) / t.buckets.length);
    const g = svg('svg', { viewBox: `0 0 ${W} ${H + 20}`, class: 'chart', role: 'img', 'aria-label': 'decisions over time' });
    g.appendChild(svg('text', { x: 0, y: 10, class: 'axis' }, String(max)));
    g.appendChild(svg('line', { x1: pad, y1: H, x2: W, y2: H, class: 'base' }));
    t.buckets.forEach((b, i) => {
      let y = H;
      const total = Object.values(b.counts).reduce((a, n) => a + n, 0);
      const x = pad + i * bw;
      for (const v of order) {
        const n = b.counts[v] || 0;
        if (!n) continue;
        const h = (n / max) * (H - 14);
        y -= h;
        const r = svg('rect', { x: x + 0.5, y, width: Math.max(1, bw - 1), height: h, class: 'bar v-' + (VERDICTS.includes(v) ? v : 'other') });
        r.appendChild(svg('title', {}, `${time(b.start_ms)}  ${v}: ${n}`));
        g.appendChild(r);
      }
      if (total === 0) {
        const r = svg('rect', { x: x, y: 0, width: bw, height: H, class: 'hover' });
        r.appendChild(svg('title', {}, `${time(b.start_ms)}  no decisions`));
        g.appendChild(r);
      }
    });
    const stamp = (i) => {
      const ms = t.buckets[i].start_ms;
      return t.unit === 'day' ? time(ms).slice(0, 10) : time(ms).slice(5, 16);
    };
    const label = (x, anchor, text) =>
      g.appendChild(svg('text', { x, y: H + 16, class: 'axis', 'text-anchor': anchor }, text));
    const last = t.buckets.length - 1;
    if (last === 0) {
      label(pad, 'start', stamp(0));
    } else if (t.buckets.length * bw < 240) {
      // Too narrow for a label at each end: one label for the range.
      label(pad, 'start', `${stamp(0)} – ${stamp(last)}`);
    } else {
      label(pad, 'start', stamp(0));
      label(pad + t.buckets.length * bw, 'end', stamp(last));
    }
    chart.appendChild(g);
    $('legend').replaceChildren(...order.map((v) => el('span', { class: 'legend' }, verdictBadge(v), ` ${verdicts[v]}`)));
  }

  function renderRules(rules) {
    fill($('rules').tBodies[0], rules.map((r) =>
      el('tr', {}, el('td', {}, filterButton(r.rule, 'rule', r.rule)), el('td', { class: 'num' }, r.count), el('td', {}, counts(r.verdicts)))),
    'No rule has decided yet.', 3);
  }

  function renderSessions(sessions) {
    fill($('sessions').tBodies[0], sessions.map((s) => {
      const id = el('td', { class: 'mono' }, filterButton(s.session.length > 12 ? s.session.slice(0, 12) + '…' : s.session, 'session', s.session));
      id.title = s.session;
      if (s.bypass) id.appendChild(el('span', { class: 'flag', title: 'the agent ran with its own permission prompts off' }, 'bypass-permissions'));
      return el('tr', { class: s.bypass ? 'bypass' : null, 'data-session': s.session },
        id, el('td', {}, s.agent), el('td', {}, time(s.first_ms)), el('td', {}, time(s.last_ms)),
        el('td', {}, counts(s.verdicts)), el('td', {}, s.modes.join(' → '),
          s.switched_to_bypass_ms == null ? '' :
            el('div', { class: 'switch' }, `switched to bypassPermissions at ${time(s.switched_to_bypass_ms)}`)));
    }), 'No sessions yet.', 6);
  }

  function source(r) {
    return r.source ? el('code', {}, r.source) : '';
  }

  function renderDenied(denied) {
    fill($('denied').tBodies[0], denied.map((r) =>
      el('tr', { 'data-seq': r.seq },
        el('td', { class: 'nowrap' }, time(r.unix_ms)), el('td', {}, r.agent),
        el('td', { class: 'action' }, r.action), el('td', {}, r.rule ? filterButton(r.rule, 'rule', r.rule) : ''),
        el('td', {}, r.layer || ''), el('td', {}, source(r)), el('td', {}, r.reason))),
    'Nothing denied.', 7);
  }

  function fillSelect(select, values) {
    const keep = select.value;
    select.replaceChildren(el('option', { value: '' }, 'any'), ...values.map((v) => el('option', { value: v }, v)));
    select.value = values.includes(keep) ? keep : '';
  }

  async function loadSummary() {
    const s = await api('/api/summary');
    renderStatus(s.log);
    $('totals').replaceChildren(el('span', {}, `${s.total} decisions `), counts(s.verdicts));
    renderChart(s.timeline, s.verdicts);
    renderRules(s.top_rules);
    renderSessions(s.sessions);
    renderDenied(s.denied);
    fillSelect($('f-agent'), s.agents);
    fillSelect($('f-flag'), Array.from(new Set(['bypass-permissions'].concat(s.flags))));
  }

  let generation = 0;
  async function loadDecisions() {
    const mine = ++generation;
    document.body.dataset.decisions = 'loading';
    const params = new URLSearchParams();
    for (const f of ['verdict', 'agent', 'flag', 'session', 'rule', 'path', 'since', 'until']) {
      const v = $('f-' + f).value.trim();
      if (v) params.set(f, v);
    }
    try {
      const d = await api('/api/decisions?' + params.toString());
      if (mine !== generation) return;
      $('decisions-error').hidden = true;
      $('decisions-count').textContent = d.matched > d.decisions.length
        ? `${d.matched} matching decisions; the newest ${d.decisions.length} shown`
        : `${d.matched} matching decisions`;
      fill($('decisions').tBodies[0], d.decisions.map((r) => {
        const flags = el('td', {});
        for (const f of r.flags || []) flags.appendChild(el('span', { class: 'flag' }, f));
        const why = el('td', {}, r.reason);
        if (r.layer || r.source) why.appendChild(el('div', { class: 'where' }, [r.layer, r.source].filter(Boolean).join(', ')));
        return el('tr', { 'data-seq': r.seq, 'data-verdict': r.verdict, class: (r.flags || []).includes('bypass-permissions') ? 'bypass' : null },
          el('td', { class: 'num' }, r.seq), el('td', { class: 'nowrap' }, time(r.unix_ms)), el('td', {}, verdictBadge(r.verdict)),
          el('td', {}, r.agent), el('td', { class: 'mono', title: r.session || '' }, (r.session || '').slice(0, 8)),
          el('td', { class: 'action' }, r.action), el('td', {}, r.rule || ''), why, flags);
      }), 'No decision matches.', 9);
    } catch (e) {
      if (mine !== generation) return;
      $('decisions-error').hidden = false;
      $('decisions-error').textContent = String(e.message || e);
      fill($('decisions').tBodies[0], [], 'No decisions: the filter was refused.', 9);
    }
    if (mine === generation) document.body.dataset.decisions = 'ready';
  }

  async function refresh() {
    $('error').hidden = true;
    const summary = loadSummary().catch((e) => {
      $('error').hidden = false;
      $('error').textContent = 'Could not load the summary: ' + String(e.message || e);
    });
    await Promise.all([summary, loadDecisions()]);
    // Milliseconds from navigation to a complete page, for bench/ui_load.py.
    document.body.dataset.loadMs = String(Math.round(performance.now()));
    document.body.dataset.summary = 'ready';
  }

  $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadDecisions(); });
  for (const id of ['f-verdict', 'f-agent', 'f-flag']) $(id).addEventListener('change', loadDecisions);
  $('f-clear').addEventListener('click', () => { $('filters').reset(); loadDecisions(); });
  $('refresh').addEventListener('click', refresh);
  refresh();
})();
