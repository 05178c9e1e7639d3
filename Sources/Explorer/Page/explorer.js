// mazerender explorer: state, requests and controls. It keeps the view's state (seed, edits, patches, toggles)
// in the URL, asks the JSON API for the maze, the vector field and the activations after every edit (aborting
// requests a newer edit overtakes), and has explorer-draw.js draw them. No analysis happens here: every number
// shown comes from the server. window.explorer exposes what is drawn (for tests and for the curious).
"use strict";

const ACTIONS = ["left", "down", "up", "right", "noop"];
const DEFAULT_LAYER = "embedder.block2.res1.resadd_out";
const $ = (id) => document.getElementById(id);

// ---- State (everything the URL holds) ----
const S = {
  seed: 54, mode: "hard", variant: "upstream",
  walls: [],          // "x,y" of toggled cells
  cheese: "keep",     // "keep" | "none" | "x,y"
  mouse: "",          // "" (start) | "x,y"
  cv: 0, tr: 0, ablate: "", ablateMode: "zero", rtChannels: "", rtValue: 5.5, rtCell: "", random: false, spec: "",
  orig: true, patched: true, diff: false, ds: false, tr5: false, paths: false, pathprob: false, best: false,
  heat: false, layer: DEFAULT_LAYER, channel: 7, convention: "posts", heatPatched: false, heatGrid: false,
  sampled: false, human: true,
  attr: false, attrTarget: "argmax", vmap: false,
};
const URL_KEYS = Object.keys(S);

function readURL() {
  const params = new URLSearchParams(location.search);
  for (const key of URL_KEYS) {
    if (!params.has(key)) continue;
    const text = params.get(key), current = S[key];
    if (typeof current === "boolean") S[key] = text === "1";
    else if (typeof current === "number") { const n = Number(text); if (Number.isFinite(n)) S[key] = n; }
    else if (Array.isArray(current)) S[key] = text ? text.split(";") : [];
    else S[key] = text;
  }
}

function writeURL() {
  const params = new URLSearchParams();
  const defaults = DEFAULTS;
  for (const key of URL_KEYS) {
    const value = S[key];
    const encoded = typeof value === "boolean" ? (value ? "1" : "0") : Array.isArray(value) ? value.join(";") : String(value);
    const fallback = defaults[key];
    const defaultEncoded = typeof fallback === "boolean" ? (fallback ? "1" : "0") : Array.isArray(fallback) ? fallback.join(";") : String(fallback);
    if (encoded !== defaultEncoded || key === "seed") params.set(key, encoded);
  }
  history.replaceState(null, "", "?" + params.toString());
}
const DEFAULTS = JSON.parse(JSON.stringify(S));

// ---- Requests ----
const pt = (text) => text.split(",").map(Number);

function mazeFields() {
  const body = { seed: S.seed, mode: S.mode, variant: S.variant };
  if (S.walls.length) body.walls = S.walls.map(pt);
  if (S.cheese === "none") body.cheese = null;
  else if (S.cheese !== "keep") body.cheese = pt(S.cheese);
  if (S.mouse) body.mouse = pt(S.mouse);
  return body;
}

function patchSpecs() {
  const specs = [];
  if (S.cv !== 0) specs.push(`cheese:coeff=${S.cv}`);
  if (S.tr !== 0) specs.push(`top-right:coeff=${S.tr}`);
  if (S.ablate.trim()) specs.push(`ablate:channels=${S.ablate.trim()},mode=${S.ablateMode}`);
  if (S.rtChannels.trim() && S.rtCell) specs.push(`retarget:channels=${S.rtChannels.trim()},value=${S.rtValue},cell=${S.rtCell}`);
  if (S.random) specs.push("random:std=0.25,seed=1");
  for (const line of S.spec.split("\n")) if (line.trim()) specs.push(line.trim());
  return specs;
}

const controllers = {};
const CLIENT = Math.random().toString(36).slice(2, 12);
let sequence = 0;
// POSTs `body` to `path`; aborts the previous request of the same kind. Resolves to null when overtaken.
async function api(kind, path, body) {
  if (controllers[kind]) controllers[kind].abort();
  const controller = new AbortController();
  controllers[kind] = controller;
  try {
    // The client id and sequence let the server skip queued work this request overtakes (ExplorerTicket).
    const headers = { "Content-Type": "application/json", "X-Explorer-Client": CLIENT, "X-Explorer-Sequence": String(++sequence) };
    const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
    if (response.status === 409) return null;  // overtaken on the server too
    const json = await response.json();
    if (!response.ok) throw new Error((json.field ? json.field + ": " : "") + json.error);
    return json;
  } catch (error) {
    if (error.name === "AbortError") return null;
    throw error;
  } finally {
    if (controllers[kind] === controller) delete controllers[kind];
  }
}

// procgen's human view of the maze as the server draws it (POST /api/view), decoded; null when overtaken.
async function humanView(body) {
  if (controllers.view) controllers.view.abort();
  const controller = new AbortController();
  controllers.view = controller;
  try {
    const response = await fetch("/api/view", { method: "POST", body: JSON.stringify(body), signal: controller.signal });
    if (!response.ok) { const error = await response.json(); throw new Error((error.field ? error.field + ": " : "") + error.error); }
    return await createImageBitmap(await response.blob());
  } catch (error) {
    if (error.name === "AbortError") return null;
    throw error;
  }
}

// ---- Model of what is shown ----
const E = window.explorer = {
  state: S, info: null, maze: null, field: null, readings: null, view: null, heat: null, grid: null, rollouts: null, version: 0,
  attribution: null, valueMap: null,
  latencies: [], error: null, shown: { original: false, patched: false, diff: false, heat: false }, drawn: {},
};

let generation = 0;
let editStarted = 0;

// Recomputes everything after an edit; a newer call overtakes (aborts) this one.
async function refresh() {
  const mine = ++generation;
  const started = editStarted || performance.now();
  editStarted = 0;
  writeURL();
  renderControls();
  const fields = mazeFields(), specs = patchSpecs();
  const fieldBody = Object.assign({}, fields, specs.length ? { patches: specs, diff: true } : {});
  const wantHeat = S.heat || S.heatGrid;
  const heatBody = Object.assign({}, fields, { layer: S.layer },
    (S.heatPatched && specs.length) ? { patches: specs } : {},
    S.heatGrid || layerShape(S.layer).length !== 3 ? {} : { channels: [S.channel] });
  try {
    const readingsBody = Object.assign({}, fields, specs.length ? { patches: specs } : {});
    // The attribution overlay (gradient × input at the mouse, POST /api/attribution) and the value-map layer
    // (POST /api/value-map, the mouse on every cell), each only while its toggle is on.
    const attributionBody = Object.assign({}, readingsBody, { target: S.attrTarget });
    const valueBody = Object.assign({}, readingsBody);
    delete valueBody.mouse;
    const [maze, field, heat, readings, view, attribution, valueMap] = await Promise.all([
      api("maze", "/api/maze", fields), api("field", "/api/vfield", fieldBody),
      wantHeat ? api("heat", "/api/activations", heatBody) : Promise.resolve(undefined),
      api("readings", "/api/readings", readingsBody),
      S.human ? humanView(fields) : Promise.resolve(undefined),
      S.attr ? api("attribution", "/api/attribution", attributionBody) : Promise.resolve(undefined),
      S.vmap ? api("valueMap", "/api/value-map", valueBody) : Promise.resolve(undefined)]);
    if (mine !== generation || maze === null || field === null || heat === null || readings === null || view === null
        || attribution === null || valueMap === null) return;  // overtaken
    E.maze = maze; E.field = field; E.heat = heat === undefined ? null : heat; E.readings = readings; E.error = null;
    E.view = view === undefined ? null : view;
    E.attribution = attribution === undefined ? null : attribution; E.valueMap = valueMap === undefined ? null : valueMap;
    setStatus("");
  } catch (error) {
    if (mine !== generation) return;
    E.error = String(error.message || error);
    setStatus(E.error, true);
    if (undoStack.length && undoStack[undoStack.length - 1].pendingRevert) undo(true);
    return;
  }
  draw();
  E.latencies.push(performance.now() - started);
  E.version += 1;
  $("maze").dataset.version = String(E.version);
}

function setStatus(text, isError) {
  const element = $("status");
  element.textContent = text;
  element.className = "status" + (isError ? " error" : "");
}

// ---- Edits and undo ----
const undoStack = [];
function snapshot() { return { walls: S.walls.slice(), cheese: S.cheese, mouse: S.mouse }; }
function edit(change) {
  const before = snapshot();
  change();
  undoStack.push(Object.assign(before, { pendingRevert: true }));
  editStarted = performance.now();
  refresh().then(() => { if (undoStack.length) undoStack[undoStack.length - 1].pendingRevert = false; });
}
function undo(silent) {
  const last = undoStack.pop();
  if (!last) return;
  S.walls = last.walls; S.cheese = last.cheese; S.mouse = last.mouse;
  if (!silent) editStarted = performance.now();
  refresh();
}

function cellAt(event) {
  const canvas = $("maze"), n = E.maze.maze_dim, rect = canvas.getBoundingClientRect();
  const column = Math.floor((event.clientX - rect.left) / rect.width * n);
  const row = Math.floor((event.clientY - rect.top) / rect.height * n);
  if (column < 0 || row < 0 || column >= n || row >= n) return null;
  return { x: column, y: n - 1 - row, row, column };
}

// Dragging the cheese or the mouse to another cell moves it, whatever the tool; a click uses the tool.
let pressed = null;
function onMazeDown(event) {
  pressed = E.maze ? cellAt(event) : null;
}
function onMazeUp(event) {
  const from = pressed;
  pressed = null;
  if (!E.maze || !from) return;
  const to = cellAt(event);
  if (!to) return;
  if (to.x === from.x && to.y === from.y) return onMazeClick(to);
  const key = `${to.x},${to.y}`, at = (point) => point && point[0] === from.x && point[1] === from.y;
  if (at(E.maze.cheese)) edit(() => { S.cheese = key; });
  else if (at(E.maze.mouse)) edit(() => { S.mouse = key; });
}

function onMazeClick(cell) {
  const key = `${cell.x},${cell.y}`, tool = document.querySelector("input[name=tool]:checked").value;
  if (tool === "wall") {
    edit(() => { const i = S.walls.indexOf(key); if (i >= 0) S.walls.splice(i, 1); else S.walls.push(key); });
  } else if (tool === "cheese") {
    edit(() => { S.cheese = key; });
  } else if (tool === "mouse") {
    edit(() => { S.mouse = key; });
  } else if (tool === "retarget") {
    const shape = layerShape(S.layer);
    const size = shape.length === 3 ? shape[1] : 16;
    const world = worldDimension(), margin = (world - E.maze.maze_dim) / 2;
    const toCell = (worldIndex) => Math.floor((worldIndex + 0.5) * 64 / world / (64 / size));
    S.rtCell = `${toCell(cell.row + margin)}x${toCell(cell.column + margin)}`;
    if (!S.rtChannels.trim()) S.rtChannels = String(S.channel);
    editStarted = performance.now();
    refresh();
  }
}

// ---- Export: the command line that reproduces this view ----
function quote(text) { return /^[\w.,:=+\-\/]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`; }
function exportText() {
  const specs = patchSpecs(), lines = [];
  let common = `--seed ${S.seed}`;
  if (S.mode !== "hard") common += ` --mode ${S.mode}`;
  if (S.variant !== "upstream") common += ` --variant ${S.variant}`;
  if (S.cheese === "none") common += " --no-cheese";
  else if (S.cheese !== "keep") common += ` --cheese ${S.cheese}`;
  const patches = specs.map((spec) => ` --patch ${quote(spec)}`).join("");
  lines.push(specs.length ? `mazerender vfield-diff ${common}${patches} --out view.png`
                          : `mazerender vfield ${common} --out view.png`);
  if (S.heat) lines.push(`mazerender heatmap ${common} --layer ${S.layer} --channel ${S.channel} --convention ${S.convention}` +
                         `${S.heatPatched ? patches : ""} --out heatmap.png`);
  if (S.attr && E.attribution) {
    lines.push(`mazerender attribute ${common}${S.mouse ? " --mouse " + S.mouse : ""} --target ${E.attribution.target}` +
               ` --method gradient-x-input${patches} --out attribution.png`);
  }
  if (S.vmap) lines.push(`mazerender value-map ${common}${patches} --out value-map.png`);
  if (S.walls.length || S.mouse) {
    lines.push("# Wall edits and the mouse's position have no command-line option; this request gives the same numbers:");
  }
  const body = Object.assign(mazeFields(), specs.length ? { patches: specs, diff: true } : {});
  lines.push(`curl -s ${location.origin}/api/vfield -d ${quote(JSON.stringify(body))}`);
  return lines.join("\n");
}

// ---- Controls ----
function renderControls() {
  $("seed").value = S.seed; $("mode").value = S.mode; $("variant").value = S.variant;
  $("cheeseCoeff").value = S.cv; $("cheeseCoeffOut").textContent = S.cv;
  $("topRightCoeff").value = S.tr; $("topRightCoeffOut").textContent = S.tr;
  $("ablate").value = S.ablate; $("ablateMode").value = S.ablateMode; $("retargetChannels").value = S.rtChannels;
  $("retargetValue").value = S.rtValue; $("retargetValueOut").textContent = S.rtValue;
  $("retargetCell").textContent = S.rtCell ? `cell ${S.rtCell} (channel-map row x column)` : '(click "retarget here" then a cell)';
  $("randomPatch").checked = S.random;
  if (document.activeElement !== $("freeSpec")) $("freeSpec").value = S.spec;
  const toggles = { showOriginal: "orig", showPatched: "patched", showDiff: "diff", showDecision: "ds", showTopRight: "tr5",
    showPaths: "paths", showPathProb: "pathprob", showBestPath: "best", showHeat: "heat", heatPatched: "heatPatched",
    heatGrid: "heatGrid", sampled: "sampled", showHuman: "human", showAttribution: "attr", showValueMap: "vmap" };
  for (const [id, key] of Object.entries(toggles)) $(id).checked = S[key];
  $("attrTarget").value = S.attrTarget;
  $("layer").value = S.layer; $("convention").value = S.convention;
  const shape = layerShape(S.layer);
  $("channel").max = shape.length === 3 ? shape[0] - 1 : 0;
  $("channel").value = S.channel; $("channelOut").textContent = S.channel;
  $("toggleCheese").textContent = S.cheese === "none" ? "Restore cheese" : "Remove cheese";
  $("specs").textContent = patchSpecs().join("\n");
}

function bind() {
  $("maze").addEventListener("mousedown", onMazeDown);
  $("maze").addEventListener("mouseup", onMazeUp);
  $("maze").addEventListener("mousemove", onHover);
  const number = (id, key, parse = Number) => $(id).addEventListener("input", () => {
    const value = parse($(id).value);
    if (typeof value === "number" && !Number.isFinite(value)) return;
    S[key] = value; editStarted = performance.now(); refresh();
  });
  $("seed").addEventListener("change", () => { newLevel({ seed: Math.max(0, Math.floor(Number($("seed").value) || 0)) }); });
  $("mode").addEventListener("change", () => newLevel({ mode: $("mode").value }));
  $("variant").addEventListener("change", () => newLevel({ variant: $("variant").value }));
  number("cheeseCoeff", "cv"); number("topRightCoeff", "tr"); number("retargetValue", "rtValue");
  number("channel", "channel");
  number("ablate", "ablate", String); number("retargetChannels", "rtChannels", String); number("freeSpec", "spec", String);
  $("ablateMode").addEventListener("change", () => { S.ablateMode = $("ablateMode").value; refresh(); });
  $("layer").addEventListener("change", () => { S.layer = $("layer").value; S.channel = Math.min(S.channel, Math.max(0, (layerShape(S.layer)[0] || 1) - 1)); refresh(); });
  $("convention").addEventListener("change", () => { S.convention = $("convention").value; refresh(); });
  $("attrTarget").addEventListener("change", () => { S.attrTarget = $("attrTarget").value; refresh(); });
  const toggles = { showOriginal: "orig", showPatched: "patched", showDiff: "diff", showDecision: "ds", showTopRight: "tr5",
    showPaths: "paths", showPathProb: "pathprob", showBestPath: "best", showHeat: "heat", heatPatched: "heatPatched",
    heatGrid: "heatGrid", randomPatch: "random", sampled: "sampled", showHuman: "human", showAttribution: "attr",
    showValueMap: "vmap" };
  for (const [id, key] of Object.entries(toggles)) $(id).addEventListener("change", () => { S[key] = $(id).checked; refresh(); });
  $("channelDown").addEventListener("click", () => { S.channel = Math.max(0, S.channel - 1); refresh(); });
  $("channelUp").addEventListener("click", () => { S.channel = Math.min(Number($("channel").max), S.channel + 1); refresh(); });
  $("toggleCheese").addEventListener("click", () => edit(() => { S.cheese = S.cheese === "none" ? "keep" : "none"; }));
  $("undo").addEventListener("click", () => undo(false));
  $("reset").addEventListener("click", () => edit(() => { S.walls = []; S.cheese = "keep"; S.mouse = ""; }));
  $("random").addEventListener("click", randomMaze);
  for (const button of document.querySelectorAll("button.export")) {
    button.addEventListener("click", () => exportFigure(button.dataset.format));
  }
  $("rolloutPlay").addEventListener("click", () => rollout(true));
  $("rolloutStep").addEventListener("click", () => rollout(false));
  $("rolloutClear").addEventListener("click", () => { E.rollouts = null; $("rolloutInfo").textContent = ""; draw(); });
}

// Downloads the figure the CLI draws for this view (POST /api/figure): the same bytes as its --out file.
async function exportFigure(format) {
  const heat = $("exportHeat").checked, specs = patchSpecs();
  const body = Object.assign(mazeFields(), { format, kind: heat ? "heatmap" : "vfield" },
    heat ? { layer: S.layer, channel: S.channel, convention: S.convention } : {},
    specs.length && (!heat || S.heatPatched) ? { patches: specs } : {});
  try {
    const response = await fetch("/api/figure", { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) { const error = await response.json(); throw new Error((error.field ? error.field + ": " : "") + error.error); }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${heat ? "heatmap" : specs.length ? "vfield-diff" : "vfield"}-seed${S.seed}.${format}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    setStatus("");
  } catch (error) { setStatus(String(error.message || error), true); }
}

function newLevel(changes) {
  Object.assign(S, changes, { walls: [], cheese: "keep", mouse: "", rtCell: "" });
  undoStack.length = 0; E.rollouts = null;
  editStarted = performance.now();
  refresh();
}

// Draws random seeds until one's maze is at most the given size (procgen-tools' behavioural demos do the same).
async function randomMaze() {
  const limit = Number($("randomSize").value) || 13;
  for (let attempt = 0; attempt < 200; attempt++) {
    const seed = Math.floor(Math.random() * 100000);
    const maze = await api("random", "/api/maze", { seed, mode: S.mode, variant: S.variant });
    if (maze && maze.maze_dim <= limit) { newLevel({ seed }); return; }
  }
  setStatus(`no maze of size <= ${limit} found in 200 draws`, true);
}

function onHover(event) {
  if (!E.maze) return;
  const cell = cellAt(event);
  if (!cell) return;
  let text = `cell ${cell.x},${cell.y}`;
  const entry = E.field && E.field.cells.find((c) => c.x === cell.x && c.y === cell.y);
  if (entry) text += "  p(" + ACTIONS.map((a) => a[0] + "=" + entry.probs[a].toFixed(2)).join(" ") + ")";
  if (E.shown.heat && E.drawn.heat) {
    const rect = $("maze").getBoundingClientRect(), n = E.maze.maze_dim, world = worldDimension(), margin = (world - n) / 2;
    const [, height, width] = E.heat.shape;
    const wx = ((event.clientX - rect.left) / rect.width * n + margin) / world;
    const wy = ((event.clientY - rect.top) / rect.height * n + margin) / world;
    const r = Math.floor(wy * height), c = Math.floor(wx * width);
    text += `  activation[${r}][${c}] = ${E.drawn.heat.values[r * width + c].toFixed(3)}`;
  }
  $("hover").textContent = text;
}

async function rollout(play) {
  const specs = patchSpecs();
  const body = Object.assign(mazeFields(), { steps: 200, sampled: S.sampled }, S.sampled ? { sample_seed: 1 } : {},
                             specs.length ? { patches: specs } : {});
  try {
    if (!E.rollouts || play) {
      const result = await api("rollout", "/api/rollout", body);
      if (!result) return;
      E.rollouts = result; E.rolloutShown = 0;
    }
    const longest = Math.max(...E.rollouts.rollouts.map((r) => r.path.length - 1));
    const advance = () => {
      E.rolloutShown = Math.min(longest, E.rolloutShown + 1);
      $("rolloutInfo").textContent = `step ${E.rolloutShown}: ` + E.rollouts.rollouts.map((r) => `${r.variant} ${r.ending} after ${r.path.length - 1}`).join(", ");
      draw();
    };
    if (play) {
      const timer = setInterval(() => { advance(); if (E.rolloutShown >= longest || !E.rollouts) clearInterval(timer); }, 60);
    } else advance();
  } catch (error) { setStatus(String(error.message || error), true); }
}

async function start() {
  readURL();
  bind();
  try {
    E.info = await (await fetch("/api/info")).json();
    for (const site of E.info.layers) {
      const option = document.createElement("option");
      option.value = option.textContent = site.label;
      $("layer").appendChild(option);
    }
  } catch (error) { setStatus("cannot reach the server: " + error, true); return; }
  refresh();
}
start();
