// albacore dashboard front end: plain JavaScript, no build step. Every user string is put
// into the page as text (textContent / text nodes), never as HTML.
"use strict";

const POLL_MS = Number(new URLSearchParams(location.search).get("poll_ms")) || 2000;
const STATES = ["COMPLETE", "RUNNING", "PRUNED", "FAIL", "WAITING"];
const app = document.getElementById("app");
let meta = { read_only: true };
let pageToken = 0; // bumped on every navigation; stale async work checks it
let pollTimer = null;
// plotly.js (4.8 MB) is loaded on demand: the study page draws its first figure with the
// light SVG renderer below, then loads plotly.js while idle and swaps in the interactive plot.
let plotlyPromise = null;
function loadPlotly() {
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement("script");
      script.src = "/static/plotly.min.js";
      script.addEventListener("load", () => { performance.mark("plotly-loaded"); resolve(window.Plotly); });
      script.addEventListener("error", () => reject(new Error("plotly.js could not be loaded")));
      document.head.append(script);
    });
  }
  return plotlyPromise;
}

// --- light renderer: scatter traces (markers and lines) as one static SVG ---------------------
const SVG_NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a"];
const DTYPES = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array,
  u2: Uint16Array, i1: Int8Array, u1: Uint8Array };

function numbers(a) { // a plain array or plotly's {dtype, bdata} (base64 of a typed array)
  if (Array.isArray(a)) return a.every((v) => typeof v === "number") ? a : null;
  if (!a || typeof a.bdata !== "string" || !DTYPES[a.dtype] || a.shape) return null;
  const bytes = Uint8Array.from(atob(a.bdata), (c) => c.charCodeAt(0));
  return Array.from(new DTYPES[a.dtype](bytes.buffer));
}

function lightTraces(figure) { // null when the figure needs plotly.js
  const traces = [];
  for (const t of figure.data) {
    if (!["scatter", "scattergl"].includes(t.type || "scatter") || t.xaxis || t.yaxis) return null;
    const x = numbers(t.x), y = numbers(t.y);
    if (!x || !y || x.length !== y.length) return null;
    traces.push({ x, y, name: t.name || "", mode: t.mode || "markers",
      color: (t.line && typeof t.line.color === "string" && t.line.color) || (t.marker && typeof t.marker.color === "string" && t.marker.color) || null });
  }
  return traces.length ? traces : null;
}

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { const d = Math.abs(lo) || 1; lo -= d / 2; hi += d / 2; }
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { lo, hi, ticks };
}

function drawLight(div, figure, traces) {
  const W = Math.max(400, div.clientWidth || 900), H = 430, L = 70, R = 170, T = 50, B = 55;
  const layout = figure.layout || {};
  const logY = layout.yaxis && layout.yaxis.type === "log";
  const ty = (v) => (logY ? Math.log10(v) : v);
  const xs = traces.flatMap((t) => t.x.filter(Number.isFinite));
  const ys = traces.flatMap((t) => t.y.filter((v) => Number.isFinite(v) && (!logY || v > 0)).map(ty));
  const lo = (a) => a.reduce((m, v) => (v < m ? v : m), Infinity), hi = (a) => a.reduce((m, v) => (v > m ? v : m), -Infinity);
  const X = niceTicks(xs.length ? lo(xs) : 0, xs.length ? hi(xs) : 1, 8), Y = niceTicks(ys.length ? lo(ys) : 0, ys.length ? hi(ys) : 1, 6);
  const px = (v) => L + ((v - X.lo) / (X.hi - X.lo)) * (W - L - R), py = (v) => H - B - ((ty(v) - Y.lo) / (Y.hi - Y.lo)) * (H - T - B);
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svg = el("svg", { class: "light-plot", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img" });
  svg.append(el("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "#e5ecf6" }));
  for (const v of X.ticks) {
    svg.append(el("line", { x1: px(v), x2: px(v), y1: T, y2: H - B, stroke: "#fff" }));
    svg.append(el("text", { x: px(v), y: H - B + 16, "text-anchor": "middle", class: "tick" }, fmtNumber(v)));
  }
  for (const v of Y.ticks) {
    const y = H - B - ((v - Y.lo) / (Y.hi - Y.lo)) * (H - T - B);
    svg.append(el("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#fff" }));
    svg.append(el("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "tick" }, fmtNumber(logY ? 10 ** v : v)));
  }
  const title = (o) => (o && o.title && (typeof o.title === "string" ? o.title : o.title.text)) || "";
  svg.append(el("text", { x: L, y: 28, class: "title" }, title(layout)));
  svg.append(el("text", { x: (L + W - R) / 2, y: H - 12, "text-anchor": "middle", class: "axis" }, title(layout.xaxis)));
  svg.append(el("text", { x: 16, y: (T + H - B) / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 16 ${(T + H - B) / 2})` }, title(layout.yaxis)));
  traces.forEach((t, i) => {
    const color = t.color || PALETTE[i % PALETTE.length];
    const ok = (j) => Number.isFinite(t.x[j]) && Number.isFinite(t.y[j]) && (!logY || t.y[j] > 0);
    let d = "";
    if (t.mode.includes("lines")) {
      let pen = "M";
      for (let j = 0; j < t.x.length; j++) {
        if (!ok(j)) { pen = "M"; continue; }
        d += `${pen}${px(t.x[j]).toFixed(1)} ${py(t.y[j]).toFixed(1)}`;
        pen = "L";
      }
      svg.append(el("path", { d, fill: "none", stroke: color, "stroke-width": 2 }));
    }
    if (t.mode.includes("markers")) {
      d = "";
      for (let j = 0; j < t.x.length; j++) if (ok(j)) d += `M${(px(t.x[j]) - 3).toFixed(1)} ${py(t.y[j]).toFixed(1)}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`;
      svg.append(el("path", { d, fill: color, "fill-opacity": 0.75 }));
    }
    svg.append(el("rect", { x: W - R + 14, y: T + 6 + i * 22, width: 14, height: 4, fill: color }));
    svg.append(el("text", { x: W - R + 34, y: T + 12 + i * 22, class: "legend" }, t.name));
  });
  div.replaceChildren(svg);
}

// --- small helpers ---------------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "className") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

async function api(path, options = {}) {
  const init = { headers: { Accept: "application/json" }, ...options };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { ...init.headers, "Content-Type": "application/json", "X-Albacore-Dashboard": "1" };
  }
  const response = await fetch(path, init);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const message = data && data.error ? data.error : `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return data;
}

function fmtNumber(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v; // "nan", "inf"
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}
function fmtValue(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return fmtNumber(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
function fmtTime(iso) { return iso ? iso.replace("T", " ").slice(0, 19) : ""; }
function fmtDuration(s) {
  if (s === null || s === undefined) return "";
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
function stateChip(state) { return h("span", { className: `state ${state}` }, state); }
function showBanner(message) {
  const banner = document.getElementById("banner");
  banner.textContent = message || "";
  banner.hidden = !message;
}
function setCrumbs(...items) {
  const crumbs = document.getElementById("crumbs");
  crumbs.replaceChildren(...items.map((it) => (it.href ? h("a", { href: it.href }, it.text) : h("span", {}, it.text))));
}
function setLive(on) { document.getElementById("live").classList.toggle("on", on); }
function stopPolling() { if (pollTimer) clearTimeout(pollTimer); pollTimer = null; setLive(false); }
function poll(fn) {
  const token = pageToken;
  const tick = async () => {
    if (token !== pageToken) return;
    try { await fn(); setLive(true); } catch (e) { setLive(false); }
    if (token === pageToken) pollTimer = setTimeout(tick, POLL_MS);
  };
  pollTimer = setTimeout(tick, POLL_MS);
}
function countsLine(counts) {
  return h("span", { className: "counts" },
    STATES.filter((s) => counts[s]).map((s) => h("span", { className: `state ${s}`, title: s }, `${s} ${counts[s]}`)));
}

// --- router ----------------------------------------------------------------------------------
async function route() {
  pageToken += 1;
  stopPolling();
  showBanner("");
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  try {
    if (parts[0] === "study" && parts.length === 2) await studyPage(Number(parts[1]));
    else if (parts[0] === "study" && parts[2] === "trial" && parts.length === 4) await trialPage(Number(parts[1]), Number(parts[3]));
    else await studyListPage();
  } catch (e) {
    app.replaceChildren(h("p", { className: "error", id: "page-error" }, e.message));
  }
}

// --- study list ------------------------------------------------------------------------------
async function studyListPage() {
  setCrumbs();
  const token = pageToken;
  const search = h("input", { type: "search", id: "study-search", placeholder: "Search studies by name", size: 40 });
  const body = h("tbody", { id: "study-rows" });
  const count = h("span", { className: "muted" });
  app.replaceChildren(
    h("h1", {}, "Studies"),
    h("div", { className: "row" }, search, count),
    h("table", { id: "study-table" },
      h("thead", {}, h("tr", {}, ["Name", "Directions", "Trials", "Best value", "Started", ""].map((t) => h("th", {}, t)))),
      body));
  const load = async () => {
    const studies = await api(`/api/studies?search=${encodeURIComponent(search.value)}`);
    if (token !== pageToken) return;
    count.textContent = `${studies.length} stud${studies.length === 1 ? "y" : "ies"}`;
    body.replaceChildren(...studies.map((s) => h("tr", { "data-study-id": s.study_id },
      h("td", {}, h("a", { href: `#/study/${s.study_id}`, className: "study-link" }, s.study_name)),
      h("td", {}, s.directions.join(", ").toLowerCase()),
      h("td", {}, `${s.n_trials} `, countsLine(s.counts)),
      h("td", { className: "num" }, s.best_value === null ? "" : `${fmtNumber(s.best_value)} (#${s.best_number})`),
      h("td", {}, fmtTime(s.datetime_start)),
      h("td", {}, meta.read_only ? "" : h("button", { className: "delete", onclick: () => deleteStudy(s, load) }, "Delete")))));
    if (!studies.length) body.append(h("tr", {}, h("td", { colspan: 6, className: "muted" }, "No studies.")));
  };
  let debounce = null;
  search.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(load, 200); });
  await load();
  poll(load);
}

function deleteStudy(study, reload) {
  const dialog = document.getElementById("confirm");
  const input = document.getElementById("confirm-input");
  const ok = document.getElementById("confirm-ok");
  document.getElementById("confirm-text").textContent =
    `Delete study "${study.study_name}" and its ${study.n_trials} trials? This cannot be undone. Type its name to confirm.`;
  input.value = "";
  ok.disabled = true;
  input.oninput = () => { ok.disabled = input.value !== study.study_name; };
  document.getElementById("confirm-cancel").onclick = () => dialog.close("cancel");
  dialog.onclose = async () => {
    if (dialog.returnValue !== "ok") return;
    try {
      await api(`/api/studies/${study.study_id}`, { method: "DELETE", body: { confirm: input.value } });
      await reload();
    } catch (e) { showBanner(e.message); }
  };
  dialog.returnValue = "";
  dialog.showModal();
  input.focus();
}

// --- study page ------------------------------------------------------------------------------
const FIGURES = [
  ["history", "History"], ["intermediate", "Intermediate values"], ["parallel", "Parallel coordinates"],
  ["slice", "Slice"], ["contour", "Contour"], ["importance", "Importances"], ["pareto", "Pareto front"],
  ["hypervolume", "Hypervolume"], ["timeline", "Timeline"],
];

async function studyPage(studyId) {
  const token = pageToken;
  const study = await api(`/api/studies/${studyId}`);
  if (token !== pageToken) return;
  setCrumbs({ text: study.study_name });
  const multi = study.directions.length > 1;
  const state = {
    marker: study.marker, figure: multi ? "pareto" : "history", objective: 0, figureAt: 0, figureStale: false,
    sort: "number", order: "desc", offset: 0, limit: 25, states: [], filters: [], nTrials: study.n_trials,
  };
  const header = h("div", { className: "card", id: "study-summary" });
  const renderHeader = (s) => {
    const best = s.best_value === null ? "—" : `${fmtNumber(s.best_value)} (trial `;
    header.replaceChildren(
      h("h1", { id: "study-name" }, study.study_name),
      h("div", { className: "row" },
        h("span", {}, "Directions: ", study.directions.join(", ").toLowerCase()),
        h("span", { id: "trial-count" }, `${s.n_trials} trials`), countsLine(s.counts),
        multi ? h("span", {}, `Pareto front: ${study.best_trials.length} trials`)
          : h("span", { id: "best-value" }, "Best value: ", best,
            s.best_number === null ? "" : h("a", { href: `#/study/${studyId}/trial/${s.best_number}` }, `#${s.best_number}`),
            s.best_value === null ? "" : ")"),
        h("span", { className: "muted" }, "Started ", fmtTime(s.datetime_start))),
      Object.keys(study.user_attrs).length
        ? h("dl", { className: "kv" }, Object.entries(study.user_attrs).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, fmtValue(v))]))
        : "");
  };
  renderHeader(study);

  // Figures
  const plotDiv = h("div", { className: "plot", id: "plot" });
  const plotNote = h("div", { className: "muted", id: "plot-note" });
  const tabs = h("div", { className: "tabs", id: "figure-tabs" });
  const paramSelect = h("select", { id: "figure-params", multiple: true, size: 1, title: "parameters (all when none)" });
  const contourX = h("select", { id: "contour-x" });
  const contourY = h("select", { id: "contour-y" });
  const paramNames = Object.keys(study.params);
  for (const name of paramNames) {
    paramSelect.append(h("option", { value: name }, name));
    contourX.append(h("option", { value: name }, name));
    contourY.append(h("option", { value: name }, name));
  }
  if (paramNames.length > 1) contourY.value = paramNames[1];
  const objectiveSelect = h("select", { id: "objective" },
    study.directions.map((d, i) => h("option", { value: i }, (study.metric_names && study.metric_names[i]) || `Objective ${i}`)));
  const figureControls = h("div", { className: "row" });
  const renderTabs = () => {
    tabs.replaceChildren(...FIGURES.filter(([k]) => multi || (k !== "pareto" && k !== "hypervolume")).map(([k, label]) =>
      h("button", { className: k === state.figure ? "active" : "", "data-figure": k, onclick: () => { state.figure = k; renderTabs(); loadFigure(); } }, label)));
    const usesObjective = multi && !["pareto", "hypervolume", "timeline", "intermediate"].includes(state.figure);
    figureControls.replaceChildren(
      usesObjective ? h("label", {}, "Objective ", objectiveSelect) : "",
      state.figure === "contour" ? h("span", {}, h("label", {}, "x ", contourX), " ", h("label", {}, "y ", contourY)) : "",
      ["parallel", "slice", "importance"].includes(state.figure) && paramNames.length > 1
        ? h("label", {}, "Parameters ", paramSelect) : "");
  };
  const figureParams = () => {
    if (state.figure === "contour") return contourX.value && contourY.value && contourX.value !== contourY.value ? `${contourX.value},${contourY.value}` : "";
    if (!["parallel", "slice", "importance"].includes(state.figure)) return "";
    return Array.from(paramSelect.selectedOptions).map((o) => o.value).join(",");
  };
  const loadFigure = async () => {
    const kind = state.figure;
    state.figureAt = Date.now();
    state.figureStale = false;
    const q = new URLSearchParams({ objective: String(state.objective), params: figureParams() });
    let result;
    try { result = await api(`/api/studies/${studyId}/figures/${kind}?${q}`); } catch (e) { result = { error: e.message }; }
    if (token !== pageToken || kind !== state.figure) return;
    if (result.error) {
      plotNote.textContent = "";
      if (window.Plotly) Plotly.purge(plotDiv);
      plotDiv.replaceChildren(h("div", { className: "plot-message", id: "plot-message" }, result.error));
      plotDiv.dataset.ready = kind;
      return;
    }
    plotNote.textContent = result.note || "";
    const layout = { ...result.figure.layout, autosize: true };
    delete layout.width;
    const traces = window.Plotly ? null : lightTraces(result.figure);
    if (traces) { // first paint without plotly.js; the interactive plot follows when it has loaded
      drawLight(plotDiv, result.figure, traces);
      plotDiv.dataset.ready = kind;
      performance.mark(`figure-light-${kind}`);
      setTimeout(() => loadPlotly().then((plotly) => {
        if (token !== pageToken || kind !== state.figure || result !== state.shown) return;
        plotDiv.replaceChildren();
        return plotly.react(plotDiv, result.figure.data, layout, { responsive: true, displaylogo: false })
          .then(() => performance.mark("figure-interactive"));
      }).catch((e) => showBanner(e.message)), 50);
      state.shown = result;
      return;
    }
    state.shown = result;
    const plotly = await loadPlotly();
    if (token !== pageToken || kind !== state.figure || result !== state.shown) return;
    if (!plotDiv.querySelector(".main-svg")) plotDiv.replaceChildren();
    await plotly.react(plotDiv, result.figure.data, layout, { responsive: true, displaylogo: false });
    performance.mark("figure-interactive");
    plotDiv.dataset.ready = kind;
  };
  objectiveSelect.onchange = () => { state.objective = Number(objectiveSelect.value); loadFigure(); };
  for (const el of [paramSelect, contourX, contourY]) el.onchange = loadFigure;
  paramSelect.size = Math.min(4, Math.max(1, paramNames.length));

  // Trial table
  const table = trialTable(studyId, study, state);

  // Note
  const note = noteEditor(study.note, (text) => api(`/api/studies/${studyId}/note`, { method: "PUT", body: { note: text } }), "study-note");

  app.replaceChildren(
    header,
    h("div", { className: "card" }, tabs, figureControls, plotDiv, plotNote),
    h("div", { className: "card" }, h("h2", {}, "Trials"), table.element),
    h("div", { className: "card" }, h("h2", {}, "Note"), note.element));
  renderTabs();
  await Promise.all([loadFigure(), table.load()]);
  performance.mark("study-ready");
  app.dataset.ready = "study";

  poll(async () => {
    const u = await api(`/api/studies/${studyId}/updates?since=${encodeURIComponent(state.marker)}`);
    if (token !== pageToken) return;
    note.remote(u.note);
    if (u.marker === state.marker) return;
    state.marker = u.marker;
    renderHeader(u.summary);
    const grew = u.summary.n_trials !== state.nTrials;
    state.nTrials = u.summary.n_trials;
    if (u.reset || grew || state.sort !== "number") await table.load();
    else table.patch(u.changed);
    state.figureStale = true;
    if (Date.now() - state.figureAt > 3 * POLL_MS) await loadFigure();
  });
  // A stale figure is redrawn on the next quiet tick too.
  const redraw = () => {
    if (token !== pageToken) return;
    if (state.figureStale && Date.now() - state.figureAt > 3 * POLL_MS) loadFigure();
    setTimeout(redraw, POLL_MS);
  };
  setTimeout(redraw, POLL_MS);
}

function trialTable(studyId, study, state) {
  const paramNames = Object.keys(study.params);
  const nObj = study.directions.length;
  const valueCols = nObj === 1 ? [["value", "Value"]] : study.directions.map((d, i) => [`value:${i}`, (study.metric_names && study.metric_names[i]) || `Value ${i}`]);
  const columns = [["number", "#"], ["state", "State"], ...valueCols, ...paramNames.map((p) => [`param:${p}`, p]), ["duration", "Duration"], ["start", "Started"]];
  const thead = h("thead");
  const tbody = h("tbody", { id: "trial-rows" });
  const info = h("span", { className: "muted", id: "table-info" });
  const error = h("span", { className: "error", id: "table-error" });
  const prev = h("button", { id: "page-prev", onclick: () => { state.offset = Math.max(0, state.offset - state.limit); load(); } }, "‹ Prev");
  const next = h("button", { id: "page-next", onclick: () => { state.offset += state.limit; load(); } }, "Next ›");
  const stateBoxes = STATES.map((s) => h("label", {}, h("input", { type: "checkbox", value: s, className: "state-filter",
    onchange: () => { state.states = stateBoxes.map((l) => l.firstChild).filter((c) => c.checked).map((c) => c.value); state.offset = 0; load(); } }), " ", s));
  const field = h("select", { id: "filter-field" }, valueCols.map(([k, l]) => h("option", { value: k }, l)),
    paramNames.map((p) => h("option", { value: `param:${p}` }, `param ${p}`)), h("option", { value: "number" }, "number"), h("option", { value: "duration" }, "duration (s)"));
  const op = h("select", { id: "filter-op" }, ["<", "<=", "==", "!=", ">=", ">"].map((o) => h("option", { value: o }, o)));
  const value = h("input", { id: "filter-value", placeholder: "value", size: 10 });
  const chips = h("span", { id: "filter-chips" });
  const renderChips = () => chips.replaceChildren(...state.filters.map((f, i) => h("span", { className: "chip" },
    `${f.field} ${f.op} ${f.value}`, h("button", { title: "remove", onclick: () => { state.filters.splice(i, 1); renderChips(); state.offset = 0; load(); } }, "×"))));
  const add = h("button", { id: "filter-add", onclick: () => {
    if (value.value.trim() === "") { error.textContent = "type a value to filter by"; return; }
    state.filters.push({ field: field.value, op: op.value, value: value.value.trim() });
    value.value = ""; renderChips(); state.offset = 0; load();
  } }, "Add filter");
  const downloads = h("span", {}, h("a", { id: "download-csv", href: "#" }, "CSV"), " · ", h("a", { id: "download-json", href: "#" }, "JSON"));
  const query = (page) => {
    const q = new URLSearchParams({ sort: state.sort, order: state.order });
    if (state.states.length) q.set("states", state.states.join(","));
    if (state.filters.length) q.set("filters", JSON.stringify(state.filters));
    if (page) { q.set("offset", String(state.offset)); q.set("limit", String(state.limit)); }
    return q;
  };
  const renderHead = () => thead.replaceChildren(h("tr", {}, columns.map(([key, label]) => {
    const sorted = state.sort === key ? ` sorted-${state.order}` : "";
    return h("th", { className: `sortable${sorted}`, "data-sort": key, onclick: () => {
      if (state.sort === key) state.order = state.order === "asc" ? "desc" : "asc";
      else { state.sort = key; state.order = key === "number" ? "desc" : "asc"; }
      state.offset = 0; load();
    } }, label);
  })));
  const row = (t) => h("tr", { "data-number": t.number },
    h("td", {}, h("a", { href: `#/study/${studyId}/trial/${t.number}` }, String(t.number))),
    h("td", {}, stateChip(t.state)),
    valueCols.map((_, i) => h("td", { className: "num" }, t.values ? fmtNumber(t.values[i]) : "")),
    paramNames.map((p) => h("td", { className: "num" }, p in t.params ? fmtValue(t.params[p]) : "")),
    h("td", { className: "num" }, fmtDuration(t.duration)),
    h("td", {}, fmtTime(t.datetime_start)));
  let loading = 0;
  async function load() {
    const mine = ++loading;
    renderHead();
    let page;
    try { page = await api(`/api/studies/${studyId}/trials?${query(true)}`); } catch (e) { error.textContent = e.message; return; }
    if (mine !== loading) return;
    error.textContent = "";
    if (page.rows.length === 0 && state.offset > 0 && page.total > 0) { state.offset = Math.max(0, Math.floor((page.total - 1) / state.limit) * state.limit); return load(); }
    tbody.replaceChildren(...page.rows.map(row));
    if (!page.rows.length) tbody.append(h("tr", {}, h("td", { colspan: columns.length, className: "muted" }, "No trials match.")));
    const end = Math.min(page.total, state.offset + page.rows.length);
    info.textContent = page.total ? `${state.offset + 1}–${end} of ${page.total}` + (page.total !== page.n_trials ? ` (filtered from ${page.n_trials})` : "") : "0 trials";
    prev.disabled = state.offset === 0;
    next.disabled = end >= page.total;
    document.getElementById("download-csv").href = `/api/studies/${studyId}/trials.csv?${query(false)}`;
    document.getElementById("download-json").href = `/api/studies/${studyId}/trials.json?${query(false)}`;
  }
  function patch(changed) {
    const byNumber = new Map(changed.map((t) => [t.number, t]));
    let refilter = false;
    for (const tr of Array.from(tbody.children)) {
      const t = byNumber.get(Number(tr.dataset.number));
      if (!t) continue;
      if (state.states.length && !state.states.includes(t.state)) refilter = true;
      const fresh = row(t);
      fresh.classList.add("flash");
      tr.replaceWith(fresh);
    }
    if (refilter || state.filters.length) load();
  }
  const element = h("div", {},
    h("div", { className: "row" }, "State: ", stateBoxes),
    h("div", { className: "row" }, "Filter: ", field, op, value, add, chips),
    h("div", { className: "row" }, prev, next, info, h("span", { className: "muted" }, "Download:"), downloads, error),
    h("div", { style: "overflow-x:auto" }, h("table", { id: "trial-table" }, thead, tbody)));
  return { element, load, patch };
}

function noteEditor(initial, save, id) {
  const area = h("textarea", { className: "note", id, placeholder: "Notes, shared by everyone who opens this storage" });
  area.value = initial || "";
  let saved = area.value;
  const status = h("span", { className: "muted", id: `${id}-status` });
  const button = h("button", { className: "primary", id: `${id}-save`, disabled: meta.read_only }, "Save note");
  area.readOnly = meta.read_only;
  button.onclick = async () => {
    try {
      await save(area.value);
      saved = area.value;
      status.className = "ok"; status.textContent = "Saved.";
    } catch (e) { status.className = "error"; status.textContent = e.message; }
  };
  return {
    element: h("div", {}, area, h("div", { className: "row" }, button, status)),
    remote(text) { // someone else saved: take it unless this viewer is editing
      if (text !== saved && area.value === saved && document.activeElement !== area) { area.value = text; saved = text; }
    },
  };
}

// --- trial page ------------------------------------------------------------------------------
async function trialPage(studyId, number) {
  const token = pageToken;
  let trial = await api(`/api/studies/${studyId}/trials/${number}`);
  if (token !== pageToken) return;
  setCrumbs({ text: trial.study_name, href: `#/study/${studyId}` }, { text: `trial ${number}` });
  const body = h("div", {});
  const plotDiv = h("div", { className: "plot", id: "trial-plot" });
  const note = noteEditor(trial.note, (text) => api(`/api/studies/${studyId}/trials/${number}/note`, { method: "PUT", body: { note: text } }), "trial-note");
  const tellBox = h("div", { id: "tell" });
  const kv = (obj) => Object.keys(obj).length
    ? h("dl", { className: "kv" }, Object.entries(obj).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, h("pre", { className: "value" }, fmtValue(v)))]))
    : h("span", { className: "muted" }, "none");
  const render = () => {
    body.replaceChildren(
      h("div", { className: "card" },
        h("h1", {}, `Trial ${trial.number} `, stateChip(trial.state)),
        h("dl", { className: "kv", id: "trial-facts" },
          h("dt", {}, trial.directions.length > 1 ? "Values" : "Value"),
          h("dd", { id: "trial-values" }, trial.values ? trial.values.map(fmtNumber).join(", ") : "—"),
          h("dt", {}, "Started"), h("dd", {}, fmtTime(trial.datetime_start) || "—"),
          h("dt", {}, "Completed"), h("dd", {}, fmtTime(trial.datetime_complete) || "—"),
          h("dt", {}, trial.running_for === null ? "Duration" : "Running for"),
          h("dd", { id: "trial-duration" }, fmtDuration(trial.running_for === null ? trial.duration : trial.running_for) || "—"),
          h("dt", {}, "Heartbeat"), h("dd", {}, trial.heartbeat_interval ? `every ${trial.heartbeat_interval} s` : "off"),
          h("dt", {}, "Trial id"), h("dd", {}, String(trial.trial_id)))),
      h("div", { className: "grid2" },
        h("div", { className: "card" }, h("h2", {}, "Parameters"),
          h("table", { id: "trial-params" }, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Value"), h("th", {}, "Distribution"))),
            h("tbody", {}, Object.entries(trial.params).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { className: "num" }, fmtValue(v)), h("td", { className: "muted" }, trial.distributions[k])))))),
        h("div", { className: "card" }, h("h2", {}, "User attributes"), h("div", { id: "trial-user-attrs" }, kv(trial.user_attrs)),
          h("h2", {}, "System attributes"), h("div", { id: "trial-system-attrs" }, kv(trial.system_attrs)))));
    renderTell();
  };
  const renderTell = () => {
    if (trial.state !== "RUNNING" || meta.read_only) { tellBox.replaceChildren(); return; }
    const inputs = trial.directions.map((d, i) => h("input", { className: "tell-value", "data-objective": i, placeholder: `value ${i} (${d.toLowerCase()})`, size: 14 }));
    const message = h("span", { id: "tell-message", className: "error" });
    const send = async (payload) => {
      try {
        trial = { ...trial, ...(await api(`/api/studies/${studyId}/trials/${number}/tell`, { method: "POST", body: payload })) };
        trial.running_for = null;
        render();
      } catch (e) { message.textContent = e.message; }
    };
    const complete = h("button", { className: "primary", id: "tell-complete", onclick: () => {
      const raw = inputs.map((i) => i.value.trim());
      const bad = raw.findIndex((r) => r === "" || !Number.isFinite(Number(r)) && !/^[+-]?inf(inity)?$/i.test(r));
      if (bad >= 0) { message.textContent = `value ${bad} must be a number, got "${raw[bad]}"`; return; }
      send({ values: raw });
    } }, "Complete with value");
    tellBox.replaceChildren(h("div", { className: "card" }, h("h2", {}, "Tell this trial (human in the loop)"),
      h("div", { className: "row" }, inputs, complete,
        h("button", { id: "tell-pruned", onclick: () => send({ state: "PRUNED" }) }, "Mark PRUNED"),
        h("button", { id: "tell-fail", className: "danger", onclick: () => send({ state: "FAIL" }) }, "Mark FAIL"), message)));
  };
  const drawIntermediate = async () => {
    if (!trial.intermediate_values.length) {
      plotDiv.style.minHeight = "0";
      plotDiv.replaceChildren(h("div", { className: "plot-message" }, "No intermediate values reported."));
      return;
    }
    plotDiv.style.minHeight = "";
    if (plotDiv.querySelector(".plot-message")) plotDiv.replaceChildren();
    await (await loadPlotly()).react(plotDiv, [{ x: trial.intermediate_values.map((p) => p[0]), y: trial.intermediate_values.map((p) => p[1]), mode: "lines+markers", type: "scatter", name: "intermediate" }],
      { title: { text: "Intermediate values" }, xaxis: { title: { text: "Step" } }, yaxis: { title: { text: "Value" } }, margin: { t: 40 } }, { responsive: true, displaylogo: false });
  };
  app.replaceChildren(body, tellBox, h("div", { className: "card" }, plotDiv), h("div", { className: "card" }, h("h2", {}, "Note"), note.element));
  render();
  await drawIntermediate();
  app.dataset.ready = "trial";
  poll(async () => {
    if (trial.state !== "RUNNING" && trial.state !== "WAITING") return;
    const fresh = await api(`/api/studies/${studyId}/trials/${number}`);
    if (token !== pageToken) return;
    const changed = JSON.stringify({ ...fresh, running_for: 0 }) !== JSON.stringify({ ...trial, running_for: 0 });
    const editing = tellBox.contains(document.activeElement);
    trial = fresh;
    note.remote(fresh.note);
    if (changed && !editing) { render(); await drawIntermediate(); }
    else { const d = document.getElementById("trial-duration"); if (d && fresh.running_for !== null) d.textContent = fmtDuration(fresh.running_for); }
  });
}

// --- start -----------------------------------------------------------------------------------
(async () => {
  try { meta = await api("/api/meta"); } catch (e) { showBanner(e.message); }
  document.getElementById("mode").textContent = meta.read_only ? "read-only" : "";
  window.addEventListener("hashchange", route);
  await route();
})();
