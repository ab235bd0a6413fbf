// Rx.Mediation dashboard. Plain script, no dependencies: it reads /ui/stream (Server-Sent Events) and draws
//  - the flow map: entrypoints → routes → endpoints → routes → entrypoints, with live rates on the routes;
//  - entrypoint and endpoint tiles: health, connected clients, broker counters;
//  - one card per route: rates from counter deltas, totals, bridge fill, drops by reason, its graph
//    (sources → bridge → operators → targets, with each operator's counts) and a marble view of the last 10 s.
// Everything shown from the server goes in with textContent (event text included): nothing is parsed as HTML.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const WINDOW_MS = 10000;      // the marble view's width in time
  const LAG_MS = 400;           // marbles arrive in batches (100 ms) a moment late: draw "now" that much behind
  const KEY_STORE = "rx-mediation-admin-key";

  // ---------- small DOM helpers ----------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    for (const c of children) if (c != null) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    setAttrs(el, attrs);
    for (const c of children) if (c != null) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  function title(text) { return s("title", { text }); }
  const $ = (id) => document.getElementById(id);

  function fmt(n) {
    if (n == null || Number.isNaN(n)) return "–";
    if (Math.abs(n) >= 1e9) return (n / 1e9).toFixed(1) + "G";
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + "k";
    return Math.round(n).toLocaleString("en-US");
  }
  function fmtRate(r) {
    if (r == null || Number.isNaN(r)) return "–";
    if (r > 0 && r < 10) return r.toFixed(1);
    return fmt(r);
  }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function truncate(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  // ---------- access key: ?key= once, then kept for this tab only ----------
  let adminKey = null;
  (() => {
    const url = new URL(window.location.href);
    const fromUrl = url.searchParams.get("key");
    if (fromUrl) {
      sessionStorage.setItem(KEY_STORE, fromUrl);
      url.searchParams.delete("key");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    adminKey = sessionStorage.getItem(KEY_STORE);
  })();

  // ---------- state ----------
  const state = {
    snapshot: null,
    previous: null,        // the snapshot before, for rates
    rates: new Map(),      // route → { in, out }
    offsetMs: 0,           // server clock − this clock
    cards: new Map(),      // route → card
    connected: false,
    lastMessage: 0,
  };

  // ---------- connection ----------
  let source = null;
  let retryTimer = null;

  function connect() {
    if (source) source.close();
    const url = "/ui/stream" + (adminKey ? "?key=" + encodeURIComponent(adminKey) : "");
    source = new EventSource(url);
    source.addEventListener("open", () => { state.connected = true; hideNotice(); setStatus("live", "live"); });
    source.addEventListener("snapshot", (e) => { state.lastMessage = Date.now(); onSnapshot(JSON.parse(e.data)); });
    source.addEventListener("marbles", (e) => { state.lastMessage = Date.now(); onMarbles(JSON.parse(e.data)); });
    source.addEventListener("lagged", (e) => {
      const data = JSON.parse(e.data);
      setStatus("live", "live · " + fmt(data.dropped) + " updates skipped");
    });
    source.addEventListener("error", () => {
      state.connected = false;
      // EventSource hides the status code: ask the admin API the same question to tell "not allowed" from "down".
      source.close();
      probe();
    });
  }

  async function probe() {
    clearTimeout(retryTimer);
    try {
      const headers = adminKey ? { "X-Admin-Key": adminKey } : {};
      const response = await fetch("/admin", { headers, cache: "no-store" });
      if (response.status === 401 || response.status === 403) {
        const body = await response.json().catch(() => ({}));
        setStatus("denied", response.status === 401 ? "admin key needed" : "not allowed");
        showNotice(body.message || "Access refused.", response.status === 401);
        if (response.status === 401) return; // wait for a key
        retryTimer = setTimeout(connect, 10000);
        return;
      }
      setStatus("connecting", "reconnecting…");
    } catch {
      setStatus("down", "server unreachable");
    }
    retryTimer = setTimeout(connect, 2000);
  }

  function setStatus(kind, text) {
    const el = $("status");
    el.className = "pill " + kind;
    setText(el, text);
  }
  function showNotice(text, askKey) {
    setText($("notice-text"), text);
    $("notice").classList.remove("hidden");
    $("key-form").classList.toggle("hidden", !askKey);
    if (askKey) $("key-input").focus();
  }
  function hideNotice() { $("notice").classList.add("hidden"); }

  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("key-input").value.trim();
    if (!value) return;
    adminKey = value;
    sessionStorage.setItem(KEY_STORE, value);
    $("key-input").value = "";
    setStatus("connecting", "connecting…");
    connect();
  });

  // A stream that went quiet (no snapshot for 5 s) is reconnected.
  setInterval(() => {
    if (state.connected && Date.now() - state.lastMessage > 5000) {
      setStatus("connecting", "reconnecting…");
      connect();
    }
  }, 2500);

  // ---------- snapshots ----------
  // The server's clock ahead of this one: a snapshot arrives a little after its time, so the largest recent
  // difference is the closest to the truth (and keeps the marbles from jumping with network jitter).
  const offsets = [];
  function onSnapshot(snap) {
    offsets.push(Date.parse(snap.at) - Date.now());
    if (offsets.length > 30) offsets.shift();
    state.offsetMs = Math.max(...offsets);
    state.previous = state.snapshot;
    state.snapshot = snap;
    computeRates(snap, state.previous);
    renderHeader(snap);
    renderFlow(snap);
    renderNodes(snap);
    renderRoutes(snap);
  }

  function computeRates(snap, previous) {
    if (!previous) return;
    const dt = (Date.parse(snap.at) - Date.parse(previous.at)) / 1000;
    if (dt <= 0) return;
    const before = new Map(previous.routes.map((r) => [r.name, r]));
    for (const route of snap.routes) {
      const old = before.get(route.name);
      if (!old) continue;
      // From the totals across reloads: a reload that replaces the route does not reset them.
      const now = route.totals.counters, then = old.totals.counters;
      state.rates.set(route.name, {
        in: Math.max(0, now.offered - then.offered) / dt,
        out: Math.max(0, now.emitted - then.emitted) / dt,
      });
    }
  }

  function renderHeader(snap) {
    let tin = 0, tout = 0, known = false;
    for (const route of snap.routes) {
      const r = state.rates.get(route.name);
      if (r) { known = true; tin += r.in; tout += r.out; }
    }
    setText($("total-in"), known ? fmtRate(tin) : "–");
    setText($("total-out"), known ? fmtRate(tout) : "–");
    const dropped = snap.routes.reduce((a, r) => a + r.totals.counters.dropped, 0)
      + snap.entrypoints.reduce((a, e) => a + Object.values(e.drops).reduce((x, y) => x + y, 0), 0);
    setText($("total-dropped"), fmt(dropped));
    setText($("total-clients"), fmt(snap.entrypoints.reduce((a, e) => a + e.clientCount, 0)));
    const config = snap.config.source === "file" ? `config v${snap.config.version}` : "config from settings";
    const uptime = formatDuration(snap.server.uptimeSeconds);
    setText($("meta"), `engine ${snap.server.engine} · up ${uptime} · ${config}` + (snap.config.lastError ? " · last reload refused" : ""));
    if (!state.connected) return;
    const el = $("status");
    if (!el.classList.contains("live")) setStatus("live", "live");
  }

  function formatDuration(seconds) {
    const t = Math.floor(seconds);
    if (t < 60) return t + "s";
    if (t < 3600) return Math.floor(t / 60) + "m " + (t % 60) + "s";
    return Math.floor(t / 3600) + "h " + Math.floor((t % 3600) / 60) + "m";
  }

  // ---------- flow map ----------
  let flowSignature = "";
  const flowRates = new Map();
  const flowDots = new Map();

  function renderFlow(snap) {
    const entrypoints = new Set(snap.entrypoints.map((e) => e.name));
    const signature = JSON.stringify(snap.routes.map((r) => [r.name, r.sources.map((x) => x.node), r.targets]))
      + JSON.stringify([...entrypoints]) + JSON.stringify(snap.endpoints.map((e) => e.name));
    if (signature !== flowSignature) {
      flowSignature = signature;
      drawFlow(snap, entrypoints);
    }
    for (const route of snap.routes) {
      const r = state.rates.get(route.name);
      const el = flowRates.get(route.name);
      if (el) setText(el, r ? `${fmtRate(r.in)} in · ${fmtRate(r.out)} out /s` : "");
    }
    for (const node of [...snap.entrypoints, ...snap.endpoints]) {
      for (const dot of flowDots.get(node.name) || []) dot.setAttribute("class", "hdot " + node.health);
    }
  }

  // Columns by depth: entrypoints that feed routes on the left, then routes, the endpoints they send to, the routes
  // reading those, and entrypoints that routes send to on the right. An entrypoint used both ways shows on both sides.
  function drawFlow(snap, entrypoints) {
    flowRates.clear();
    flowDots.clear();
    const vertices = new Map(); // key → { key, label, kind, node, depth }
    const edges = [];
    const vertex = (key, label, kind, node) => {
      if (!vertices.has(key)) vertices.set(key, { key, label, kind, node, depth: 0 });
      return vertices.get(key);
    };
    for (const route of snap.routes) {
      const rv = vertex("route:" + route.name, route.name, "route", null);
      for (const src of route.sources) {
        const key = entrypoints.has(src.node) ? "in:" + src.node : "node:" + src.node;
        const v = vertex(key, src.node, entrypoints.has(src.node) ? "entry" : "endpoint", src.node);
        edges.push([v, rv]);
      }
      for (const target of route.targets) {
        const key = entrypoints.has(target) ? "out:" + target : "node:" + target;
        const v = vertex(key, target, entrypoints.has(target) ? "entry" : "endpoint", target);
        edges.push([rv, v]);
      }
    }
    // Longest path from the left, bounded so a cycle between endpoints cannot loop forever.
    for (let pass = 0; pass < vertices.size; pass++) {
      let changed = false;
      for (const [a, b] of edges) {
        if (b.depth < a.depth + 1 && a.depth + 1 <= vertices.size) { b.depth = a.depth + 1; changed = true; }
      }
      if (!changed) break;
    }
    // Entrypoints that only receive go to the last column.
    const maxDepth = Math.max(0, ...[...vertices.values()].map((v) => v.depth));
    for (const v of vertices.values()) if (v.key.startsWith("out:")) v.depth = maxDepth;
    const columns = [];
    for (const v of vertices.values()) (columns[v.depth] ||= []).push(v);
    const colWidth = 190, boxW = 150, boxH = 40, gapY = 14, padX = 16, padY = 16;
    const rows = Math.max(1, ...columns.filter(Boolean).map((c) => c.length));
    const width = Math.max(600, padX * 2 + (columns.length - 1) * colWidth + boxW);
    const height = padY * 2 + rows * (boxH + gapY) - gapY;
    columns.forEach((col, i) => {
      if (!col) return;
      const top = padY + ((rows - col.length) * (boxH + gapY)) / 2;
      col.forEach((v, j) => { v.x = padX + i * colWidth; v.y = top + j * (boxH + gapY); });
    });
    // A fixed scale, never stretched to the page's width; shrunk only to fit a narrow window.
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: Math.round(width * 1.3), height: Math.round(height * 1.3), role: "img", "aria-label": "flow map" });
    const defs = s("defs");
    defs.append(s("marker", { id: "flow-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" })));
    svg.append(defs);
    for (const [a, b] of edges) {
      const x1 = a.x + boxW, y1 = a.y + boxH / 2, x2 = b.x - 2, y2 = b.y + boxH / 2;
      const mx = (x1 + x2) / 2;
      svg.append(s("path", { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: "edge", "marker-end": "url(#flow-arrow)" }));
    }
    for (const v of vertices.values()) {
      const g = s("g", { transform: `translate(${v.x},${v.y})`, "data-flow": v.key });
      g.append(s("rect", { width: boxW, height: boxH, rx: 8, class: "box " + (v.kind === "route" ? "route" : "node") }));
      if (v.kind === "route") {
        g.append(s("text", { x: 10, y: 17, "font-weight": 700, "font-size": 13, text: truncate(v.label, 20) }));
        const rate = s("text", { x: 10, y: 32, "font-size": 11, class: "rate", text: "" });
        flowRates.set(v.label, rate);
        g.append(rate);
      } else {
        const dot = s("circle", { cx: 14, cy: boxH / 2, r: 5, class: "hdot" });
        const list = flowDots.get(v.node) || [];
        list.push(dot);
        flowDots.set(v.node, list);
        g.append(dot);
        g.append(s("text", { x: 26, y: 17, "font-weight": 600, "font-size": 13, text: truncate(v.label, 18) }));
        const info = snap.entrypoints.find((e) => e.name === v.node) || snap.endpoints.find((e) => e.name === v.node);
        const sub = info ? (info.path ? `${info.type} ${info.path}` : info.type) : "";
        g.append(s("text", { x: 26, y: 32, "font-size": 11, class: "muted", text: truncate(sub, 22) }));
      }
      g.append(title(v.kind === "route" ? "route " + v.label : v.label));
      svg.append(g);
    }
    $("flow").replaceChildren(svg);
  }

  // ---------- entrypoint and endpoint tiles ----------
  function renderNodes(snap) {
    $("entrypoints").replaceChildren(...snap.entrypoints.map((e) => {
      const tile = h("div", { class: "tile", "data-entrypoint": e.name });
      tile.append(h("div", { class: "tile-head" },
        h("span", { class: "health " + e.health, title: e.health }),
        h("span", { class: "tile-name", text: e.name }),
        h("span", { class: "tile-type", text: e.type }),
        h("span", { class: "tile-big" },
          h("span", { class: "big", "data-counter": "clients", text: fmt(e.clientCount) }),
          h("span", { class: "label", text: e.type === "http" || e.type === "poll" ? "requests open" : "clients" }))));
      if (e.path) tile.append(h("div", { class: "tile-path", text: (e.port ? ":" + e.port : "") + e.path }));
      if (e.health !== "Healthy" && e.healthDetail) tile.append(h("div", { class: "tile-detail", text: e.healthDetail }));
      const drops = Object.entries(e.drops);
      if (drops.length) tile.append(h("div", { class: "drops" }, ...drops.map(([k, v]) => h("span", { class: "chip", text: `${k} ${fmt(v)}` }))));
      if (e.clients.length) {
        const details = h("details", null, h("summary", { text: `${e.clients.length} connected` }));
        for (const c of e.clients.slice(0, 50)) {
          details.append(h("div", { class: "client" },
            h("span", { class: "id", text: truncate(c.id, 18) }),
            h("span", { text: c.topics.join(", ") }),
            h("span", { class: "q", text: `queue ${c.queueDepth}` + (c.dropped ? ` · ${fmt(c.dropped)} dropped` : "") })));
        }
        if (e.clients.length > 50) details.append(h("div", { class: "client", text: `… and ${e.clients.length - 50} more` }));
        const open = document.querySelector(`[data-entrypoint="${CSS.escape(e.name)}"] details`)?.open;
        details.open = !!open;
        tile.append(details);
      }
      return tile;
    }));
    $("endpoints").replaceChildren(...snap.endpoints.map((e) => {
      const tile = h("div", { class: "tile", "data-endpoint": e.name });
      tile.append(h("div", { class: "tile-head" },
        h("span", { class: "health " + e.health, title: e.health }),
        h("span", { class: "tile-name", text: e.name }),
        h("span", { class: "tile-type", text: e.type }),
        h("span", { class: "tile-big" }, h("span", { class: "label", text: e.health }))));
      if (e.health !== "Healthy" && e.healthDetail) tile.append(h("div", { class: "tile-detail", text: e.healthDetail }));
      if (e.counters) {
        const c = e.counters;
        const items = [["published", c.published], ["acked", c.acknowledged], ["in flight", c.inFlight], ["received", c.received],
          ["failed", c.failed], ["dropped", c.dropped], ["redelivered", c.redelivered], ["reconnects", c.reconnects]];
        tile.append(h("div", { class: "tile-counters" }, ...items.filter(([, v], i) => v || i < 4).map(([k, v]) => h("span", null, k + " ", h("b", { text: fmt(v) })))));
      }
      return tile;
    }));
  }

  // ---------- route cards ----------
  let cardSeq = 0;
  function renderRoutes(snap) {
    const names = new Set(snap.routes.map((r) => r.name));
    for (const [name, card] of state.cards) {
      if (!names.has(name)) { card.root.remove(); state.cards.delete(name); }
    }
    const container = $("routes");
    snap.routes.forEach((route) => {
      let card = state.cards.get(route.name);
      if (!card) {
        card = createCard(route, ++cardSeq);
        state.cards.set(route.name, card);
      }
      container.append(card.root); // keeps the snapshot's order
      updateCard(card, route, snap);
    });
  }

  function stat(cls, label, counter) {
    const value = h("span", { class: "big", "data-counter": counter, text: "–" });
    return { el: h("div", { class: "stat " + cls }, h("span", { class: "label", text: label }), value), value };
  }

  function createCard(route, index) {
    const root = h("article", { class: "card", "data-route": route.name });
    const state_ = h("span", { class: "badge", "data-field": "state" });
    const fault = h("span", { class: "card-fault" });
    root.append(h("div", { class: "card-head" },
      h("span", { class: "card-name", text: route.name }),
      state_,
      h("span", { class: "badge", text: route.guarantee }),
      fault));
    const stats = {
      inRate: stat("in", "in / s", "in-rate"),
      outRate: stat("out", "out / s", "out-rate"),
      accepted: stat("small", "accepted", "accepted"),
      emitted: stat("small", "emitted", "emitted"),
      delivered: stat("small", "delivered", "delivered"),
      dropped: stat("small bad", "dropped", "dropped"),
      failed: stat("small bad", "failed", "failed"),
    };
    const bridgeText = h("span", { class: "label" });
    const barFill = h("span");
    const bar = h("div", { class: "bar" }, barFill);
    const bridge = h("div", { class: "bridge" }, bridgeText, bar);
    root.append(h("div", { class: "stats" }, ...Object.values(stats).map((x) => x.el), bridge));
    const drops = h("div", { class: "drops", "data-field": "drops" });
    root.append(drops);
    const graph = h("div", { class: "graph" });
    root.append(graph);
    const marbles = createMarbleView(route.name, index);
    root.append(marbles.root);
    return { root, state: state_, fault, stats, bridgeText, bar, barFill, drops, graph, graphSignature: "", stageText: [], marbles };
  }

  function updateCard(card, route, snap) {
    card.state.textContent = route.state;
    card.state.className = "badge state-" + route.state;
    setText(card.fault, route.fault || "");
    const r = state.rates.get(route.name);
    setText(card.stats.inRate.value, r ? fmtRate(r.in) : "–");
    setText(card.stats.outRate.value, r ? fmtRate(r.out) : "–");
    const c = route.counters;
    setText(card.stats.accepted.value, fmt(c.accepted));
    setText(card.stats.emitted.value, fmt(c.emitted));
    setText(card.stats.delivered.value, fmt(c.delivered));
    setText(card.stats.dropped.value, fmt(c.dropped));
    setText(card.stats.failed.value, fmt(c.failed));
    card.stats.dropped.el.classList.toggle("zero", c.dropped === 0);
    card.stats.failed.el.classList.toggle("zero", c.failed === 0);
    const b = route.bridge;
    setText(card.bridgeText, `bridge ${fmt(b.depth)} / ${fmt(b.capacity)} · ${b.overflow}`);
    const fill = b.capacity ? Math.min(1, b.depth / b.capacity) : 0;
    card.barFill.style.width = (fill * 100).toFixed(1) + "%";
    card.bar.classList.toggle("hot", fill > 0.8);
    const drops = Object.entries(route.drops);
    card.drops.replaceChildren(...drops.map(([k, v]) => h("span", { class: "chip", "data-drop": k, text: `${k} ${fmt(v)}` })));

    const signature = JSON.stringify([route.sources, route.operators.map((o) => o.description), route.targets]);
    if (signature !== card.graphSignature) {
      card.graphSignature = signature;
      drawRouteGraph(card, route);
    }
    route.operators.forEach((op, i) => {
      const t = card.stageText[i];
      if (t) setText(t, `${fmt(op.in)} → ${fmt(op.out)}` + (op.filtered ? ` · ${fmt(op.filtered)} filtered` : "") + (op.failed ? ` · ${fmt(op.failed)} failed` : ""));
    });
    const fillRect = card.bridgeFill;
    if (fillRect) {
      fillRect.setAttribute("width", String(Math.max(0, fill * (card.bridgeWidth - 4))));
      fillRect.setAttribute("class", "bridge-fill" + (fill > 0.8 ? " hot" : ""));
    }
    const nodes = new Map([...snap.entrypoints, ...snap.endpoints].map((n) => [n.name, n.health]));
    for (const [name, dot] of card.nodeDots) dot.setAttribute("class", "hdot " + (nodes.get(name) || "Stopped"));
  }

  // Sources → bridge → operators → targets, in one row; the operators' counts are updated in place.
  function drawRouteGraph(card, route) {
    const boxH = 46, gap = 34, pad = 8;
    const srcW = 150, bridgeW = 150, opW = 170, tgtW = 130;
    const rows = Math.max(route.sources.length, route.targets.length, 1);
    const height = pad * 2 + rows * boxH + (rows - 1) * 8;
    const mid = height / 2;
    let x = pad;
    const svg = s("svg", { viewBox: "0 0 0 0", role: "img", "aria-label": "route " + route.name });
    const defs = s("defs");
    const markerId = "arrow-" + card.marbles.index;
    defs.append(s("marker", { id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" })));
    svg.append(defs);
    card.nodeDots = new Map();
    const nodeBox = (name, sub, bx, by, w) => {
      const g = s("g", { transform: `translate(${bx},${by})`, "data-node": name });
      g.append(s("rect", { width: w, height: boxH, rx: 8, class: "box node" }));
      const dot = s("circle", { cx: 13, cy: boxH / 2, r: 5, class: "hdot" });
      card.nodeDots.set(name, dot);
      g.append(dot);
      g.append(s("text", { x: 24, y: sub ? 20 : boxH / 2 + 5, "font-weight": 600, "font-size": 13, text: truncate(name, 16) }));
      if (sub) g.append(s("text", { x: 24, y: 36, "font-size": 11, class: "muted", text: truncate(sub, 18) }));
      g.append(title(sub ? `${name} [${sub}]` : name));
      return g;
    };
    const stackTop = (n) => mid - (n * boxH + (n - 1) * 8) / 2;
    // sources
    const srcTop = stackTop(route.sources.length);
    route.sources.forEach((src, i) => {
      const y = srcTop + i * (boxH + 8);
      svg.append(nodeBox(src.node, (src.merged ? "merged " : "") + (src.topics === "#" ? "all topics" : src.topics), x, y, srcW));
      svg.append(s("path", { d: `M${x + srcW},${y + boxH / 2} C${x + srcW + gap / 2},${y + boxH / 2} ${x + srcW + gap / 2},${mid} ${x + srcW + gap - 2},${mid}`, class: "edge", "marker-end": `url(#${markerId})` }));
    });
    x += srcW + gap;
    // bridge
    const bridge = s("g", { transform: `translate(${x},${mid - boxH / 2})` });
    bridge.append(s("rect", { width: bridgeW, height: boxH, rx: 6, class: "box bridge" }));
    card.bridgeFill = s("rect", { x: 2, y: boxH - 8, width: 0, height: 6, rx: 3, class: "bridge-fill" });
    card.bridgeWidth = bridgeW;
    bridge.append(card.bridgeFill);
    bridge.append(s("text", { x: 10, y: 19, "font-size": 12, "font-weight": 600, text: "bridge" }));
    bridge.append(s("text", { x: 10, y: 33, "font-size": 11, class: "muted", text: `${route.bridge.capacity} · ${route.bridge.overflow}` }));
    bridge.append(title(`bridge: capacity ${route.bridge.capacity}, overflow ${route.bridge.overflow}`));
    svg.append(bridge);
    x += bridgeW;
    // operators
    card.stageText = [];
    const operators = route.operators.length ? route.operators : [{ description: "(pass-through)", name: "", in: 0, out: 0, none: true }];
    for (const op of operators) {
      svg.append(s("path", { d: `M${x},${mid} L${x + gap - 2},${mid}`, class: "edge", "marker-end": `url(#${markerId})` }));
      x += gap;
      const g = s("g", { transform: `translate(${x},${mid - boxH / 2})`, "data-operator": op.description });
      g.append(s("rect", { width: opW, height: boxH, rx: 6, class: "box" }));
      g.append(s("text", { x: 10, y: 19, "font-size": 12, "font-weight": 700, text: truncate(op.description, 24) }));
      const counts = s("text", { x: 10, y: 35, "font-size": 11, class: "muted", text: op.none ? "no operators" : "" });
      if (!op.none) card.stageText.push(counts);
      g.append(counts);
      g.append(title(op.description));
      svg.append(g);
      x += opW;
    }
    // targets
    const tgtTop = stackTop(route.targets.length);
    const fanX = x + gap;
    route.targets.forEach((target, i) => {
      const y = tgtTop + i * (boxH + 8);
      svg.append(s("path", { d: `M${x},${mid} C${x + gap / 2},${mid} ${x + gap / 2},${y + boxH / 2} ${fanX - 2},${y + boxH / 2}`, class: "edge", "marker-end": `url(#${markerId})` }));
      svg.append(nodeBox(target, "", fanX, y, tgtW));
    });
    const width = fanX + tgtW + pad;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.style.maxHeight = Math.round(height * 1.4) + "px";
    card.graph.replaceChildren(svg);
  }

  // ---------- marble view ----------
  // Each marble keeps an x fixed in time units; scrolling moves one group, so a frame costs one attribute write.
  const VIEW_W = 1000, VIEW_H = 132, PLOT_X0 = 56, PLOT_X1 = 990;
  const IN_Y = 40, OUT_Y = 94;
  const PX_PER_MS = (PLOT_X1 - PLOT_X0) / WINDOW_MS;
  let epoch = 0; // server-clock ms at x = 0 of every marble group

  function createMarbleView(routeName, index) {
    const root = h("div", { class: "marbles-view", "data-marbles": routeName });
    const svg = s("svg", { viewBox: `0 0 ${VIEW_W} ${VIEW_H}`, role: "img", "aria-label": "marbles of route " + routeName });
    const clipId = "clip-" + index;
    svg.append(s("defs", null, s("clipPath", { id: clipId }, s("rect", { x: PLOT_X0, y: 0, width: PLOT_X1 - PLOT_X0, height: VIEW_H }))));
    for (let sec = 0; sec <= 10; sec++) {
      const x = PLOT_X1 - sec * 1000 * PX_PER_MS;
      svg.append(s("line", { x1: x, x2: x, y1: 16, y2: VIEW_H - 18, class: "tick" }));
      if (sec % 2 === 0) svg.append(s("text", { x, y: VIEW_H - 4, "text-anchor": "middle", "font-size": 11, class: "muted", text: sec === 0 ? "now" : `-${sec}s` }));
    }
    svg.append(s("line", { x1: PLOT_X0, x2: PLOT_X1, y1: IN_Y, y2: IN_Y, class: "lane" }));
    svg.append(s("line", { x1: PLOT_X0, x2: PLOT_X1, y1: OUT_Y, y2: OUT_Y, class: "lane" }));
    svg.append(s("text", { x: 6, y: IN_Y + 4, "font-size": 12, "font-weight": 700, text: "in" }));
    svg.append(s("text", { x: 6, y: OUT_Y + 4, "font-size": 12, "font-weight": 700, text: "out" }));
    const clip = s("g", { "clip-path": `url(#${clipId})` });
    const group = s("g", { class: "marble-group" });
    clip.append(group);
    svg.append(clip);
    root.append(svg);
    return { root, group, index, items: [], lastT: { in: -Infinity, out: -Infinity }, more: {} };
  }

  const STAGE_LINE = { received: "in", dropped: "in", routed: "out", failed: "out" };

  function onMarbles(batch) {
    if (!epoch) epoch = Date.now() + state.offsetMs - WINDOW_MS;
    for (const m of batch.marbles) {
      const card = state.cards.get(m.route);
      if (!card) continue;
      addMarble(card.marbles, m);
    }
    // What the server counted but did not send: one "+N" per line and second, added up.
    const nowServer = Date.now() + state.offsetMs;
    const second = Math.floor(nowServer / 1000);
    for (const sup of batch.suppressed) {
      const card = state.cards.get(sup.route);
      const line = STAGE_LINE[sup.stage];
      if (!card || !line) continue;
      const view = card.marbles;
      const key = line + ":" + sup.stage;
      let more = view.more[key];
      if (!more || more.second !== second || !more.el.isConnected) {
        const t = second * 1000 + 500;
        const y = sup.stage === "dropped" ? IN_Y + 26 : line === "in" ? IN_Y - 16 : OUT_Y + 26;
        const el = s("text", { x: (t - epoch) * PX_PER_MS, y, "text-anchor": "middle", class: "more-count", "data-more": sup.stage });
        more = view.more[key] = { el, second, count: 0, tip: title("") };
        el.append(more.tip);
        pushItem(view, el, t);
      }
      more.count += sup.count;
      more.el.firstChild?.nodeType === Node.TEXT_NODE ? (more.el.firstChild.nodeValue = "+" + fmt(more.count)) : more.el.prepend("+" + fmt(more.count));
      more.tip.textContent = `${fmt(more.count)} more ${sup.stage} in this second than the view samples`;
    }
  }

  function addMarble(view, m) {
    const line = STAGE_LINE[m.stage];
    if (!line) return;
    const x = (m.t - epoch) * PX_PER_MS;
    const y = line === "in" ? IN_Y : OUT_Y;
    const tip = `${m.stage} ${m.id} · ${m.topic}` + (m.node ? ` · ${m.node}` : "") + (m.reason ? ` · ${m.reason}` : "") + (m.label ? `\n${m.label}` : "");
    let el;
    if (m.stage === "dropped") {
      el = s("text", { x, y: y + 6, "text-anchor": "middle", "font-size": 18, class: "x marble drop", "data-stage": m.stage, text: "✕" }, title(tip));
    } else if (m.stage === "failed") {
      el = s("g", { class: "marble fail", "data-stage": m.stage },
        s("circle", { cx: x, cy: y, r: 8, class: "bang-bg" }),
        s("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 12, class: "bang", text: "!" }),
        title(tip));
    } else {
      el = s("g", { class: "marble " + line, "data-stage": m.stage },
        s("circle", { cx: x, cy: y, r: m.weight > 1 ? 9 : 7, class: "m " + line }),
        title(tip));
      // A label when marbles are far enough apart to read it.
      if (m.label && m.t - view.lastT[line] > 450) {
        el.append(s("text", { x, y: line === "in" ? y - 12 : y + 22, "text-anchor": "middle", class: "lbl", text: truncate(m.label, 14) }));
      }
      view.lastT[line] = m.t;
    }
    pushItem(view, el, m.t);
  }

  function pushItem(view, el, t) {
    view.group.append(el);
    view.items.push({ el, t });
    // Bounded whatever the rate: the server samples, and the view keeps at most this many.
    if (view.items.length > 1500) view.items.shift().el.remove();
  }

  function frame() {
    const nowServer = Date.now() + state.offsetMs - LAG_MS;
    if (epoch) {
      // Keep numbers small over long sessions: move the epoch forward and every marble with it.
      if ((nowServer - epoch) * PX_PER_MS > 400000) rebase(nowServer - WINDOW_MS);
      const shift = PLOT_X1 - (nowServer - epoch) * PX_PER_MS;
      for (const card of state.cards.values()) card.marbles.group.setAttribute("transform", `translate(${shift.toFixed(1)},0)`);
    }
    requestAnimationFrame(frame);
  }

  function rebase(newEpoch) {
    const dx = (epoch - newEpoch) * PX_PER_MS;
    epoch = newEpoch;
    for (const card of state.cards.values()) {
      for (const item of card.marbles.items) {
        for (const el of [item.el, ...item.el.querySelectorAll("circle, text")]) {
          for (const attr of ["x", "cx"]) {
            const v = el.getAttribute(attr);
            if (v != null) el.setAttribute(attr, String(parseFloat(v) + dx));
          }
        }
      }
    }
  }

  // Marbles older than the window leave the DOM.
  setInterval(() => {
    const cutoff = Date.now() + state.offsetMs - WINDOW_MS - LAG_MS - 1000;
    for (const card of state.cards.values()) {
      const items = card.marbles.items;
      let n = 0;
      while (n < items.length && items[n].t < cutoff) { items[n].el.remove(); n++; }
      if (n) items.splice(0, n);
    }
  }, 1000);

  requestAnimationFrame(frame);
  connect();
})();
