// The console's page logic: listen to /events, keep a short history per consumer for the
// sparklines, one lane per worker, and render. No framework and no build step, so a learner can
// read it; everything the tests look for carries a data-testid.
'use strict';

const HISTORY = 120; // samples per consumer (one per poll: a minute at 500 ms)
const MARKS = 160; // marks kept per lane
const state = { allowActions: false, history: new Map(), lanes: new Map(), snapshot: null };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '');
const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);

function connect() {
  const es = new EventSource('/events');
  es.addEventListener('open', () => setConn(true));
  es.addEventListener('error', () => setConn(false));
  es.addEventListener('hello', (e) => {
    const h = JSON.parse(e.data);
    state.allowActions = h.allowActions;
    $('mode').textContent = h.allowActions ? 'actions enabled' : 'read-only';
    $('mode').className = `badge ${h.allowActions ? 'actions' : ''}`;
    $('server').textContent = `NATS ${h.natsUrl}`;
    $('reset').hidden = !h.allowActions;
    state.lanes.clear();
    addEvents(h.recent);
  });
  es.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
  es.addEventListener('events', (e) => addEvents(JSON.parse(e.data)));
}

function setConn(on) {
  $('conn').textContent = on ? 'live' : 'disconnected';
  $('conn').className = `badge ${on ? 'on' : 'off'}`;
}

function onSnapshot(s) {
  state.snapshot = s;
  if (s.streams.ok) {
    for (const st of s.streams.value) {
      for (const c of st.consumers) {
        const key = `${st.name}/${c.name}`;
        const h = state.history.get(key) ?? [];
        h.push({ at: s.at, pending: c.pending, ackPending: c.ackPending, redelivered: c.redelivered });
        if (h.length > HISTORY) h.shift();
        state.history.set(key, h);
      }
    }
  }
  renderMonitor(s.monitor);
  renderStreams(s.streams);
  renderDlq(s.deadLetters);
  renderPostgres(s.postgres);
  renderRedis(s.redis);
}

function failed(part, what) {
  if (!part) return `<p class="muted">${what}: not watched</p>`;
  return part.ok ? '' : `<p class="muted">${what}: ${esc(part.error)}</p>`;
}

function renderMonitor(m) {
  if (!m) {
    $('monitor').textContent = "nats-server's monitoring endpoint: not found (start nats-server with -m 8222 to see the server's own counters here)";
    return;
  }
  if (!m.ok) return void ($('monitor').textContent = `monitoring endpoint: ${m.error}`);
  const v = m.value;
  $('monitor').textContent =
    `server's own view (${v.url}/varz, /jsz): ${v.connections} connections · ${num(v.inMsgs)} msgs in · ${num(v.outMsgs)} out · ` +
    `${(v.mem / (1 << 20)).toFixed(0)} MB RSS · JetStream ${v.streams} streams, ${v.consumers} consumers, ${num(v.messages)} messages, ${bytes(v.bytes)}`;
}

function spark(key) {
  const h = state.history.get(key) ?? [];
  const w = 240, hgt = 40;
  const span = Math.max(30, h.length) - 1; // fill the width once there is history, instead of a sliver
  const max = Math.max(1, ...h.map((p) => Math.max(p.pending, p.ackPending, p.redelivered)));
  const line = (f, color) => {
    const pts = h.map((p, i) => `${((i / span) * w).toFixed(1)},${(hgt - 2 - (f(p) / max) * (hgt - 4)).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"/>`;
  };
  return `<svg class="spark" width="${w}" height="${hgt}" viewBox="0 0 ${w} ${hgt}"><title>max ${max}</title>` +
    line((p) => p.pending, '#0969da') + line((p) => p.ackPending, '#bf8700') + line((p) => p.redelivered, '#8250df') + '</svg>';
}

function renderStreams(part) {
  if (!part.ok) return void ($('streams').innerHTML = failed(part, 'NATS'));
  const rows = [];
  for (const s of part.value) {
    rows.push(`<tr class="stream" data-stream="${esc(s.name)}"><td>${esc(s.name)}</td><td class="muted">${esc(s.subjects.join(' '))} · ${esc(s.retention)}</td>` +
      // A stream has no pending of its own: its size spans the consumer columns, labelled, so it is not read as one.
      `<td colspan="7" class="muted">stored: <span data-testid="messages">${num(s.messages)} msgs</span> · ${bytes(s.bytes)}</td></tr>`);
    for (const c of s.consumers) {
      const key = `${s.name}/${c.name}`;
      rows.push(`<tr data-consumer="${esc(key)}"><td>&nbsp;&nbsp;${esc(c.name)}</td><td class="muted">${esc(c.filter ?? '')}</td>` +
        `<td class="n ${c.pending > 0 ? 'hot' : ''}" data-testid="pending">${c.pending}</td><td class="n" data-testid="ack-pending">${c.ackPending}</td>` +
        `<td class="n" data-testid="redelivered">${c.redelivered}</td><td class="n">${c.ackFloor}</td><td class="n">${c.delivered}</td><td class="n">${c.waiting}</td><td>${spark(key)}</td></tr>`);
    }
  }
  $('streams').innerHTML = part.value.length === 0 ? '<p class="muted">no streams on this server</p>' :
    '<table><tr><th>stream / consumer</th><th>subjects · filter</th><th class="n">pending</th><th class="n">ack pending</th><th class="n">redelivered</th>' +
    `<th class="n">ack floor</th><th class="n">delivered</th><th class="n">waiting</th><th><span style="color:#0969da">pending</span> <span style="color:#bf8700">ack pending</span> <span style="color:#8250df">redelivered</span></th></tr>${rows.join('')}</table>`;
}

function addEvents(events) {
  for (const e of events) {
    const key = `${e.lesson} · ${e.worker}`;
    let lane = state.lanes.get(key);
    if (!lane) {
      lane = { lesson: e.lesson, worker: e.worker, consumer: e.consumer, pid: e.pid, marks: [], counts: {} };
      state.lanes.set(key, lane);
    }
    if (e.consumer) lane.consumer = e.consumer;
    if (e.kind !== 'kill' && e.kind !== 'restart') lane.pid = e.pid; // a kill is reported by whoever killed it
    lane.marks.push(e);
    if (lane.marks.length > MARKS) lane.marks.shift();
    const kind = e.deliveryCount > 1 && !['kill', 'restart'].includes(e.kind) ? 'redelivery' : e.kind;
    lane.counts[e.kind] = (lane.counts[e.kind] ?? 0) + 1;
    if (kind === 'redelivery') lane.counts.redelivery = (lane.counts.redelivery ?? 0) + 1;
  }
  if (events.length) renderLanes();
}

function mark(e) {
  const title = `${e.kind}${e.seq ? ` #${e.seq}` : ''}${e.subject ? ` ${e.subject}` : ''}${e.deliveryCount ? ` delivery ${e.deliveryCount}` : ''}${e.detail ? `: ${e.detail}` : ''}`;
  const redelivery = e.deliveryCount > 1 ? ' redelivery' : '';
  const label = e.kind === 'kill' || e.kind === 'restart' ? esc(e.kind === 'kill' ? `✕ ${e.detail ?? 'killed'}` : `↻ ${e.detail ?? 'restarted'}`) : '';
  return `<span class="chip ${esc(e.kind)}${redelivery}" data-testid="mark" data-kind="${esc(e.kind)}" data-seq="${e.seq ?? ''}" ` +
    `data-delivery="${e.deliveryCount ?? ''}" title="${esc(title)}">${label}</span>`;
}

function renderLanes() {
  const lanes = [...state.lanes.values()].sort((a, b) => `${a.lesson}${a.worker}`.localeCompare(`${b.lesson}${b.worker}`));
  $('lanes').innerHTML = lanes.map((l) => {
    const c = l.counts;
    const counts = `${c.ack ?? 0} ack · ${c.nak ?? 0} nak · ${c.term ?? 0} term · ${c.redelivery ?? 0} redelivered`;
    return `<div class="lane" data-lane="${esc(l.worker)}" data-lesson="${esc(l.lesson)}"><div class="who"><b>${esc(l.worker)}</b> <span class="muted">${esc(l.lesson)} · pid ${l.pid}</span></div><div class="marks">${l.marks.map(mark).join('')}</div><div class="count" data-testid="counts">${counts}</div></div>`;
  }).join('');
}

function renderDlq(part) {
  if (!part.ok) return void ($('dlq').innerHTML = failed(part, 'dead letters'));
  if (part.value.length === 0) return void ($('dlq').innerHTML = '<p class="muted">no dead letters</p>');
  const open = new Set([...document.querySelectorAll('#dlq details[open]')].map((d) => d.dataset.key));
  $('dlq').innerHTML = '<table><tr><th>DLQ entry</th><th>died on</th><th>reason</th><th class="n">deliveries</th><th>last error</th><th>payload</th><th></th></tr>' +
    part.value.map((d) => {
      const h = d.headers, key = `${d.stream}/${d.seq}`;
      const btn = `<button class="redrive" data-testid="redrive" data-stream="${esc(d.stream)}" data-seq="${d.seq}" data-subject="${esc(h['Dlq-Original-Subject'] ?? '')}"` +
        `${state.allowActions ? '' : ' disabled title="read-only: start the console with --allow-actions"'}>Redrive</button>`;
      return `<tr data-dlq="${esc(key)}"><td>${esc(key)}<br><span class="muted">${esc(d.subject)}</span></td><td>${esc(h['Dlq-Original-Subject'] ?? '?')} #${esc(h['Dlq-Original-Seq'] ?? '?')}</td>` +
        `<td>${esc(h['Dlq-Reason'] ?? '')}</td><td class="n">${esc(h['Dlq-Delivery-Count'] ?? '')}</td><td>${esc(h['Dlq-Last-Error'] ?? '')}</td>` +
        `<td><details data-key="${esc(key)}"${open.has(key) ? ' open' : ''}><summary>${esc(d.data.slice(0, 40))}</summary><div class="headers">` +
        `${Object.entries(h).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('\n')}\n\n${esc(d.data)}</div></details></td><td>${btn}</td></tr>`;
    }).join('') + '</table>';
}

function renderPostgres(part) {
  if (!part || !part.ok) return void ($('postgres').innerHTML = failed(part, 'Postgres'));
  if (part.value.length === 0) return void ($('postgres').innerHTML = '<p class="muted">no task_queue table in the lessons\' databases</p>');
  $('postgres').innerHTML = '<table><tr><th>database.table</th><th>states</th><th class="n">oldest pending</th></tr>' + part.value.map((t) =>
    `<tr><td>${esc(t.database)}.${esc(t.table)}</td><td>${Object.entries(t.states).map(([s, n]) => `${esc(s)} ${num(n)}`).join(' · ')}</td>` +
    `<td class="n">${t.oldestPendingAgeMs === null ? '–' : `${(t.oldestPendingAgeMs / 1000).toFixed(1)} s`}</td></tr>`).join('') + '</table>';
}

function renderRedis(part) {
  if (!part || !part.ok) return void ($('redis').innerHTML = failed(part, 'Redis'));
  if (part.value.length === 0) return void ($('redis').innerHTML = '<p class="muted">no lesson lists</p>');
  const max = Math.max(1, ...part.value.map((l) => l.length));
  $('redis').innerHTML = '<table>' + part.value.map((l) =>
    `<tr><td>${esc(l.key)}</td><td class="n">${num(l.length)}</td><td><span class="bar" style="width:${Math.round((l.length / max) * 120)}px"></span></td></tr>`).join('') + '</table>';
}

function toast(text) {
  $('toast').textContent = text;
  $('toast').style.display = 'block';
  clearTimeout(toast.t);
  toast.t = setTimeout(() => ($('toast').style.display = 'none'), 6000);
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

document.addEventListener('click', async (ev) => {
  const b = ev.target.closest('button.redrive');
  if (b && !b.disabled) {
    const { stream, seq, subject } = b.dataset;
    if (!confirm(`Redrive ${stream} #${seq} back to ${subject}?\nIts workers will get it again: fix what killed it first.`)) return;
    b.disabled = true;
    try {
      const r = await post('/api/redrive', { stream, seq: Number(seq) });
      toast(`redriven: ${stream} #${seq} -> ${r.subject} (${r.stream} #${r.seq}${r.duplicate ? ', duplicate dropped' : ''})`);
    } catch (err) {
      toast(`redrive refused: ${err.message}`);
      b.disabled = false;
    }
  }
  if (ev.target.id === 'reset') {
    if (!confirm('Reset: delete EVERY lesson stream (L03_..., X03_...) and Redis key (l02:...) on this server?')) return;
    try {
      const r = await post('/api/reset', { confirm: true });
      toast(`reset: ${r.streams.length} streams, ${r.keys.length} keys removed`);
    } catch (err) {
      toast(`reset refused: ${err.message}`);
    }
  }
});

connect();
