// mazerender explorer: drawing. Paints the state explorer.js holds (window.explorer: maze, field, readings,
// heat map, rollouts) on the canvas and the side panel, and records in explorer.drawn exactly what was drawn.
// Loaded before explorer.js; every function here runs only after explorer.js has set the state up.
"use strict";

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
  E.drawn.valueMap = null; E.drawn.attribution = null;
  if (S.vmap && E.valueMap) drawValueMap(g, size, n);
  if (S.attr && E.attribution) drawAttribution(g, size, n);
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
  canvas.dataset.attribution = E.drawn.attribution ? "1" : "0";
  canvas.dataset.valueMap = E.drawn.valueMap ? "1" : "0";
  drawAttributionInfo();
  drawBars();
  drawProblems();
  drawColorBar();
  drawRolloutPanels();
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


// The rollouts side by side: one small panel per variant (original, patched), each with its own trail up to the
// step shown and the mouse where that episode stands; the same trails are also overlaid on the main view.
function drawRolloutPanels() {
  const box = $("rolloutPanels");
  box.textContent = "";
  E.drawn.rolloutPanels = [];
  if (!E.rollouts) return;
  const maze = E.maze, n = maze.maze_dim, colors = { original: "#ffffff", patched: "#40c4ff" };
  for (const rollout of E.rollouts.rollouts) {
    const figure = document.createElement("figure"), canvas = document.createElement("canvas");
    canvas.width = canvas.height = 200;
    canvas.dataset.variant = rollout.variant;
    const g = canvas.getContext("2d"), size = canvas.width / n;
    const px = (x) => (x + 0.5) * size, py = (y) => (n - 1 - y + 0.5) * size;
    maze.grid.forEach((line, row) => {
      for (let column = 0; column < n; column++) {
        g.fillStyle = line[column] === "#" ? COLORS.wall : COLORS.floor;
        g.fillRect(column * size, row * size, size + 0.5, size + 0.5);
      }
    });
    if (maze.cheese) drawCheese(g, px(maze.cheese[0]), py(maze.cheese[1]), size);
    const shown = rollout.path.slice(0, (E.rolloutShown || 0) + 1), last = shown[shown.length - 1];
    drawPath(g, shown, colors[rollout.variant], px, py, size * 0.15);
    drawMouse(g, px(last[0]), py(last[1]), size);
    const caption = document.createElement("figcaption");
    caption.textContent = `${rollout.variant}: step ${shown.length - 1} of ${rollout.path.length - 1} (${rollout.ending})`;
    figure.append(canvas, caption);
    box.appendChild(figure);
    E.drawn.rolloutPanels.push({ variant: rollout.variant, step: shown.length - 1, position: last });
  }
}

// The value-map layer: each legal cell coloured by the value head with the mouse there (patched when patches
// are set), dark blue (lowest) to yellow (highest) over the maze's own range.
function drawValueMap(g, size, n) {
  const cells = E.valueMap.cells, patched = patchSpecs().length > 0;
  const values = cells.map((cell) => (patched && cell.patched !== undefined ? cell.patched : cell.value));
  const low = Math.min(...values), high = Math.max(...values), span = high - low || 1;
  g.globalAlpha = 0.6;
  cells.forEach((cell, i) => {
    const t = (values[i] - low) / span;
    g.fillStyle = `rgb(${Math.round(40 + 215 * t)},${Math.round(30 + 200 * t)},${Math.round(120 - 90 * t)})`;
    g.fillRect(cell.x * size, (n - 1 - cell.y) * size, size, size);
  });
  g.globalAlpha = 1;
  E.drawn.valueMap = { cells: cells.length, low, high, patched };
}

// The attribution overlay: the observation's 64x64 pixels (summed over RGB) over the maze, red positive, blue
// negative, opacity growing with |attribution| / max |attribution| (the geometry of the heat map).
function drawAttribution(g, size, n) {
  const a = E.attribution, pixels = a.pixels, world = worldDimension(), margin = (world - n) / 2;
  const limit = a.max_abs || 1, cell = world / 64 * size;
  for (let r = 0; r < 64; r++) for (let c = 0; c < 64; c++) {
    const value = pixels[r * 64 + c], alpha = Math.min(1, Math.abs(value) / limit);
    if (alpha < 0.02) continue;
    g.fillStyle = value > 0 ? `rgba(220,20,20,${0.85 * alpha})` : `rgba(30,80,230,${0.85 * alpha})`;
    g.fillRect(c * cell - margin * size, r * cell - margin * size, cell + 0.5, cell + 0.5);
  }
  E.drawn.attribution = { target: a.target, method: a.method, max_abs: a.max_abs, sum: a.attribution_sum };
}

function drawAttributionInfo() {
  const parts = [];
  if (E.drawn.attribution) {
    const a = E.attribution;
    parts.push(`attribution of ${a.target === "value" ? "the value" : "P(" + a.target + ")"} = ${a.target_value.toPrecision(3)}` +
               ` (${a.method}), max |a| ${a.max_abs.toPrecision(3)}, sum ${a.attribution_sum.toPrecision(3)}`);
  }
  if (E.drawn.valueMap) {
    const v = E.drawn.valueMap;
    parts.push(`value map${v.patched ? " (patched)" : ""}: ${v.cells} cells, ${v.low.toFixed(3)} … ${v.high.toFixed(3)}`);
  }
  $("attrInfo").textContent = parts.join("; ");
}
