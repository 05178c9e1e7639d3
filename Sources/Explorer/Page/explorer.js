// mazerender explorer: the page's only script. It keeps the view's state (seed, edits, patches, toggles) in
// the URL, asks the JSON API for the maze, the vector field and the activations after every edit (aborting
// requests a newer edit overtakes), and draws them on a canvas. No analysis happens here: every number shown
// comes from the server. window.explorer exposes what is drawn (for tests and for the curious).
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
    const [maze, field, heat, readings, view] = await Promise.all([
      api("maze", "/api/maze", fields), api("field", "/api/vfield", fieldBody),
      wantHeat ? api("heat", "/api/activations", heatBody) : Promise.resolve(undefined),
      api("readings", "/api/readings", readingsBody),
      S.human ? humanView(fields) : Promise.resolve(undefined)]);
    if (mine !== generation || maze === null || field === null || heat === null || readings === null || view === null) return;  // overtaken
    E.maze = maze; E.field = field; E.heat = heat === undefined ? null : heat; E.readings = readings; E.error = null;
    E.view = view === undefined ? null : view;
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

// ---- Drawing ----
const COLORS = { floor: "#2d2a32", wall: "#5b7f3a", original: "#ffffff", patched: "#40c4ff", diff: "#00ff00" };
function worldDimension() { return S.mode === "easy" ? 15 : 25; }
function layerShape(label) {
  const site = E.info && E.info.layers.find((entry) => entry.label === label);
  return site ? site.shape : [];
}

function draw() {
  const canvas = $("maze"), g = canvas.getContext("2d"), maze = E.maze, n = maze.maze_dim, size = canvas.width / n;
  const px = (x) => (x + 0.5) * size, py = (y) => (n - 1 - y + 0.5) * size;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const human = S.human && E.view;
  if (human) {
    g.drawImage(E.view, 0, 0, canvas.width, canvas.height);  // procgen's view: background, sand walls, cheese, mouse
    g.fillStyle = "rgba(0,0,0,0.35)";  // darkened so that white arrows read, as on procgen-tools' plots
    maze.grid.forEach((line, row) => {
      for (let column = 0; column < n; column++) if (line[column] !== "#") g.fillRect(column * size, row * size, size, size);
    });
  } else {
    maze.grid.forEach((line, row) => {
      for (let column = 0; column < n; column++) {
        g.fillStyle = line[column] === "#" ? COLORS.wall : COLORS.floor;
        g.fillRect(column * size, row * size, size + 0.5, size + 0.5);
      }
    });
  }
  E.shown.heat = false;
  E.drawn = { original: {}, patched: {}, diff: {}, heat: null };
  if (S.heat && E.heat && E.heat.channels) drawHeat(g, size, n);
  if (S.tr5) { g.strokeStyle = "#ffeb3b"; g.lineWidth = 2; g.strokeRect((n - 5) * size, 0, 5 * size, 5 * size); }
  if (S.paths) {
    drawPath(g, maze.paths.cheese, "#ffd54f", px, py, size * 0.12);
    drawPath(g, maze.paths.top_right, "#ff8a65", px, py, size * 0.12);
  }
  if (S.pathprob) {
    const reading = patchSpecs().length && S.patched && E.readings.patched ? E.readings.patched : E.readings.original;
    for (const cell of reading.path_probabilities) {
      g.fillStyle = `rgba(255,0,0,${0.7 * Math.min(1, cell.p)})`;
      g.fillRect(cell.x * size, (n - 1 - cell.y) * size, size, size);
    }
  }
  if (!human) {
    if (maze.cheese) drawCheese(g, px(maze.cheese[0]), py(maze.cheese[1]), size);
    drawMouse(g, px(maze.mouse[0]), py(maze.mouse[1]), size);
  }
  drawFields(g, px, py, size);
  if (S.ds && maze.decision_square) dot(g, px(maze.decision_square[0]), py(maze.decision_square[1]), size * 0.18, "#ff1744");
  if (S.rtCell && patchSpecs().some((spec) => spec.startsWith("retarget"))) drawRetargetDot(g, size, n);
  if (E.rollouts) drawRollouts(g, px, py, size);
  canvas.dataset.human = human ? "1" : "0";
  canvas.dataset.diff = E.shown.diff ? "1" : "0";
  canvas.dataset.heat = E.shown.heat ? "1" : "0";
  drawBars();
  drawProblems();
  drawColorBar();
  drawGrid();
  $("export").textContent = exportText();
}

function dot(g, x, y, radius, color) { g.fillStyle = color; g.beginPath(); g.arc(x, y, radius, 0, 2 * Math.PI); g.fill(); }
function drawCheese(g, x, y, size) {
  g.fillStyle = "#ffca28"; g.beginPath();
  g.moveTo(x - size * 0.35, y + size * 0.3); g.lineTo(x + size * 0.35, y + size * 0.3); g.lineTo(x + size * 0.35, y - size * 0.05);
  g.lineTo(x - size * 0.1, y - size * 0.3); g.closePath(); g.fill();
}
function drawMouse(g, x, y, size) {
  dot(g, x, y, size * 0.3, "#8d6e63"); dot(g, x - size * 0.2, y - size * 0.25, size * 0.12, "#bcaaa4");
  dot(g, x + size * 0.2, y - size * 0.25, size * 0.12, "#bcaaa4");
}
function drawPath(g, path, color, px, py, width) {
  if (!path || path.length < 2) return;
  g.strokeStyle = color; g.lineWidth = width; g.beginPath();
  path.forEach(([x, y], i) => (i ? g.lineTo(px(x), py(y)) : g.moveTo(px(x), py(y))));
  g.stroke();
}
function arrow(g, x, y, dx, dy, size, color, weight = 1) {
  const length = Math.hypot(dx, dy);
  if (length * size < 0.5) return;
  const ex = x + dx * size, ey = y - dy * size, head = Math.min(size * 0.25, length * size * 0.5);
  const angle = Math.atan2(-dy, dx);
  g.strokeStyle = color; g.fillStyle = color; g.lineWidth = Math.max(1, size * 0.05 * weight);
  g.beginPath(); g.moveTo(x, y); g.lineTo(ex, ey); g.stroke();
  g.beginPath(); g.moveTo(ex, ey);
  g.lineTo(ex - head * Math.cos(angle - 0.45), ey - head * Math.sin(angle - 0.45));
  g.lineTo(ex - head * Math.cos(angle + 0.45), ey - head * Math.sin(angle + 0.45));
  g.closePath(); g.fill();
}
const net = (probs) => [probs.right - probs.left, probs.up - probs.down];

// Draws the requested fields and records exactly what was drawn in E.drawn (cell "x,y" -> [dx, dy]).
function drawFields(g, px, py, size) {
  const field = E.field, hasPatches = field.patches.length > 0;
  const layers = { original: S.orig, patched: S.patched && hasPatches, diff: S.diff && hasPatches };
  for (const cell of field.cells) {
    const key = `${cell.x},${cell.y}`, x = px(cell.x), y = py(cell.y);
    const original = net(cell.probs), patched = cell.patched ? net(cell.patched.probs) : null;
    // Patched under original, so that where they agree both stay visible (the original drawn thinner on top).
    if (layers.patched && patched) { arrow(g, x, y, patched[0], patched[1], size, COLORS.patched, 1.6); E.drawn.patched[key] = patched; }
    if (layers.original) { arrow(g, x, y, original[0], original[1], size, COLORS.original, 0.8); E.drawn.original[key] = original; }
    if (layers.diff && patched) {
      const d = [patched[0] - original[0], patched[1] - original[1]];
      arrow(g, x, y, d[0], d[1], size, COLORS.diff); E.drawn.diff[key] = d;
    }
  }
  const reading = hasPatches && S.patched && E.readings.patched ? E.readings.patched : E.readings.original;
  if (S.best) drawPath(g, reading.most_probable_path, "#ffffff", px, py, size * 0.08);
  E.shown = Object.assign(E.shown, layers);
}

function colorFor(value, limit, convention) {
  const t = Math.max(-1, Math.min(1, limit > 0 ? value / limit : 0));
  // posts: RdBu (negative red, positive blue); paper: bwr (negative blue, positive red).
  const negative = convention === "posts" ? [178, 24, 43] : [0, 0, 255];
  const positive = convention === "posts" ? [33, 102, 172] : [255, 0, 0];
  const middle = convention === "posts" ? [247, 247, 247] : [255, 255, 255];
  const end = t < 0 ? negative : positive, a = Math.abs(t);
  return middle.map((m, i) => Math.round(m + (end[i] - m) * a));
}
function heatLimit() { return S.convention === "paper" ? 1 : E.heat.abs_max; }

function drawHeat(g, size, n) {
  const heat = E.heat, shape = heat.shape, height = shape[1], width = shape[2];
  const index = heat.channels.indexOf(S.channel);
  if (index < 0) return;
  const values = heat.values[index], world = worldDimension(), margin = (world - n) / 2, limit = heatLimit();
  const cellW = world / width * size, cellH = world / height * size;
  g.globalAlpha = 0.75;
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) {
    const [red, green, blue] = colorFor(values[r * width + c], limit, S.convention);
    g.fillStyle = `rgb(${red},${green},${blue})`;
    g.fillRect(c * cellW - margin * size, r * cellH - margin * size, cellW + 0.5, cellH + 0.5);
  }
  g.globalAlpha = 1;
  E.shown.heat = true;
  E.drawn.heat = { layer: heat.layer, channel: S.channel, values };
}

function drawRetargetDot(g, size, n) {
  const [row, column] = S.rtCell.split("x").map(Number), shape = layerShape(S.layer);
  const mapSize = shape.length === 3 ? shape[1] : 16, world = worldDimension(), margin = (world - n) / 2;
  const cell = world / mapSize * size;
  dot(g, (column + 0.5) * cell - margin * size, (row + 0.5) * cell - margin * size, size * 0.2, "#ff1744");
}

function drawBars() {
  const maze = E.maze, field = E.field, container = $("bars");
  const cell = field.cells.find((entry) => entry.x === maze.mouse[0] && entry.y === maze.mouse[1]);
  container.innerHTML = "";
  if (!cell) { container.textContent = "(no distribution at the mouse's cell)"; return; }
  for (const action of ACTIONS) {
    const p = cell.probs[action], q = cell.patched ? cell.patched.probs[action] : null;
    const row = document.createElement("div");
    row.className = "bar"; row.dataset.action = action; row.dataset.original = String(p);
    if (q !== null) row.dataset.patched = String(q);
    row.innerHTML = `<span class="name">${action}</span><span class="track"><span class="fill" style="width:${p * 100}%"></span>` +
      (q !== null ? `<span class="fill patched" style="width:${q * 100}%"></span>` : "") +
      `</span><span class="num">${p.toFixed(3)}${q !== null ? " → " + q.toFixed(3) : ""}</span>`;
    container.appendChild(row);
  }
  let change = "";
  const readings = E.readings;
  if (readings.mean_total_variation !== null) {
    change = `Action probability distributions changed by ${(100 * readings.mean_total_variation).toFixed(2)}% on average.`;
  }
  const square = (readings.patched || readings.original).decision_square;
  if (square) {
    change += ` At the decision square: P(toward cheese) ${readings.original.decision_square.toward_cheese.toFixed(3)}` +
      (readings.patched ? ` → ${square.toward_cheese.toFixed(3)}` : "") +
      `, P(toward top-right) ${readings.original.decision_square.toward_top_right.toFixed(3)}` +
      (readings.patched ? ` → ${square.toward_top_right.toFixed(3)}` : "") + ".";
  }
  $("change").textContent = change;
}

function drawProblems() {
  const list = $("problems");
  list.innerHTML = "";
  for (const problem of E.maze.validity_problems) {
    const item = document.createElement("li"); item.textContent = problem; list.appendChild(item);
  }
}

function drawColorBar() {
  const canvas = $("colorbar"), g = canvas.getContext("2d");
  canvas.style.display = S.heat && E.heat ? "" : "none";  // flat layers too (drawn beside, not over the maze)
  $("heatRange").textContent = "";
  if (!(S.heat && E.heat)) return;
  const limit = heatLimit();
  for (let i = 0; i < canvas.width; i++) {
    const [r, gr, b] = colorFor((i / (canvas.width - 1) * 2 - 1) * limit, limit, S.convention);
    g.fillStyle = `rgb(${r},${gr},${b})`; g.fillRect(i, 0, 1, canvas.height);
  }
  $("heatRange").textContent = ` ${(-limit).toFixed(2)} … ${limit.toFixed(2)}`;
}

function drawGrid() {
  const container = $("heatGridView");
  container.innerHTML = "";
  if (E.heat && !E.heat.channels && (S.heat || S.heatGrid)) { drawFlat(container); return; }
  if (!S.heatGrid || !E.heat || !E.heat.channels) return;
  const [, height, width] = E.heat.shape, limit = heatLimit();
  E.heat.channels.forEach((channel, index) => {
    const canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height; canvas.title = `channel ${channel}`;
    const g = canvas.getContext("2d"), image = g.createImageData(width, height);
    E.heat.values[index].forEach((value, i) => {
      const [r, gr, b] = colorFor(value, limit, S.convention);
      image.data.set([r, gr, b, 255], i * 4);
    });
    g.putImageData(image, 0, 0);
    canvas.addEventListener("click", () => { S.channel = channel; S.heat = true; S.heatGrid = false; refresh(); });
    container.appendChild(canvas);
  });
}

// A flat layer (fc, flatten, policy logits) as procgen-tools' ActivationsPlotter shows it: a square when its
// length is a perfect square, else a row.
function drawFlat(container) {
  const values = E.heat.values[0], side = Math.round(Math.sqrt(values.length));
  const [width, height] = side * side === values.length ? [side, side] : [values.length, 1];
  const canvas = document.createElement("canvas"), limit = heatLimit();
  canvas.width = width; canvas.height = height; canvas.className = "flat";
  canvas.title = `${E.heat.layer}: ${values.length} values as ${width}x${height}`;
  const g = canvas.getContext("2d"), image = g.createImageData(width, height);
  values.forEach((value, i) => image.data.set([...colorFor(value, limit, S.convention), 255], i * 4));
  g.putImageData(image, 0, 0);
  container.appendChild(canvas);
  E.drawn.flat = { layer: E.heat.layer, width, height, values };
}

function drawRollouts(g, px, py, size) {
  const colors = { original: "#ffffff", patched: "#40c4ff" };
  E.rollouts.rollouts.forEach((rollout, index) => {
    const shown = rollout.path.slice(0, (E.rolloutShown || 0) + 1);
    g.setLineDash([size * 0.2, size * 0.12]);
    drawPath(g, shown.map(([x, y]) => [x + (index ? 0.08 : -0.08), y]), colors[rollout.variant], px, py, size * 0.1);
    g.setLineDash([]);
    const last = shown[shown.length - 1];
    dot(g, px(last[0]), py(last[1]), size * 0.14, colors[rollout.variant]);
  });
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
    heatGrid: "heatGrid", sampled: "sampled", showHuman: "human" };
  for (const [id, key] of Object.entries(toggles)) $(id).checked = S[key];
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
  const toggles = { showOriginal: "orig", showPatched: "patched", showDiff: "diff", showDecision: "ds", showTopRight: "tr5",
    showPaths: "paths", showPathProb: "pathprob", showBestPath: "best", showHeat: "heat", heatPatched: "heatPatched",
    heatGrid: "heatGrid", randomPatch: "random", sampled: "sampled", showHuman: "human" };
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
