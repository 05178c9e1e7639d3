#!/usr/bin/env python3
"""Drives the explorer page in headless Chromium (Debian's chromium and chromium-driver, Selenium from PyPI).

Usage: browser_test.py BASE_URL [--latency N [--latency-seed S]] [--screenshot FILE.png]

Loads the page for seed 54, moves the cheese by clicking, checks that the field drawn changed and equals the API's
answer for the edited maze, turns the cheese vector on and checks that the diff layer appears with the API's
numbers, picks a channel and checks that its heat map appears with the API's values, switches on the attribution
overlay and the value-map layer and checks them against the API's numbers before and after an edit. With --latency N it then
switches those two layers off again, makes N more edits (the cheese to N distinct cells, cheese vector and heat map on) and prints the 95th percentile of the time from
the click to the drawn update, as the page measures it. Exits non-zero with a message on the first failure.
"""
import json
import math
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def api(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def net(probs):
    return [probs["right"] - probs["left"], probs["up"] - probs["down"]]


def main():
    base = sys.argv[1].rstrip("/")
    latency_edits = int(sys.argv[sys.argv.index("--latency") + 1]) if "--latency" in sys.argv else 0
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1000", "--disable-extensions"]:
        options.add_argument(argument)
    # Debian's driver: Selenium never looks for (or downloads) one of its own.
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    started = time.time()
    try:
        run(driver, base, latency_edits, screenshot)
    finally:
        driver.quit()
    print(f"browser test passed in {time.time() - started:.1f} s")


def wait_for(driver, condition, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(condition)
        if value:
            return value
        time.sleep(0.02)
    errors = driver.execute_script("return window.explorer && window.explorer.error")
    fail(f"timed out waiting for {what} (page error: {errors})")


def version(driver):
    return driver.execute_script("return window.explorer ? window.explorer.version : 0")


def wait_update(driver, before, what):
    wait_for(driver, f"return window.explorer && window.explorer.version > {before} && !window.explorer.error", what)


def click_cell(driver, cell, n):
    canvas = driver.find_element(By.ID, "maze")
    size = canvas.size["width"]
    x = (cell[0] + 0.5) * size / n - size / 2
    y = (n - 1 - cell[1] + 0.5) * size / n - size / 2
    ActionChains(driver).move_to_element_with_offset(canvas, int(round(x)), int(round(y))).click().perform()


def drag_cell(driver, start, end, n):
    canvas = driver.find_element(By.ID, "maze")
    size = canvas.size["width"]
    offset = lambda cell: (int(round((cell[0] + 0.5) * size / n - size / 2)), int(round((n - 1 - cell[1] + 0.5) * size / n - size / 2)))
    (x0, y0), (x1, y1) = offset(start), offset(end)
    ActionChains(driver).move_to_element_with_offset(canvas, x0, y0).click_and_hold() \
        .move_to_element_with_offset(canvas, x1, y1).release().perform()


def set_input(driver, element_id, value):
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input'));", element_id, str(value))


def check_arrows(drawn, cells, patched, label):
    if len(drawn) != len(cells):
        fail(f"{label}: {len(drawn)} arrows drawn, the API has {len(cells)} cells")
    for cell in cells:
        key = f"{cell['x']},{cell['y']}"
        want = net(cell["probs"])
        if patched:
            after = net(cell["patched"]["probs"])
            want = [after[0] - want[0], after[1] - want[1]]
        got = drawn.get(key)
        if got is None or any(abs(a - b) > 1e-12 for a, b in zip(got, want)):
            fail(f"{label}: cell {key} drawn {got}, the API says {want}")


def run(driver, base, latency_edits, screenshot):
    driver.get(base + "/?seed=54")
    wait_update(driver, 0, "the first field for seed 54")
    state = driver.execute_script("return {maze: explorer.maze, field: explorer.field, drawn: explorer.drawn}")
    maze, n = state["maze"], state["maze"]["maze_dim"]
    if driver.find_element(By.ID, "maze").get_attribute("data-human") != "1":
        fail("procgen's human view (POST /api/view) is not drawn under the field")
    api_field = api(base, "/api/vfield", {"seed": 54, "mode": "hard", "variant": "upstream"})
    check_arrows(state["drawn"]["original"], api_field["cells"], False, "seed 54")

    # Move the cheese by clicking: the cheese tool, then a cell.
    target = [0, n - 1] if maze["cheese"] != [0, n - 1] else [n - 1, n - 1]
    driver.find_element(By.CSS_SELECTOR, "input[name=tool][value=cheese]").click()
    before = version(driver)
    click_cell(driver, target, n)
    wait_update(driver, before, "the field after moving the cheese")
    edited = driver.execute_script("return {maze: explorer.maze, field: explorer.field, drawn: explorer.drawn}")
    if edited["maze"]["cheese"] != target:
        fail(f"the cheese is at {edited['maze']['cheese']} after clicking {target}")
    api_edited = api(base, "/api/vfield", {"seed": 54, "mode": "hard", "variant": "upstream", "cheese": target})
    check_arrows(edited["drawn"]["original"], api_edited["cells"], False, "moved cheese")
    changed = sum(1 for key, arrow in edited["drawn"]["original"].items()
                  if key in state["drawn"]["original"] and
                  max(abs(a - b) for a, b in zip(arrow, state["drawn"]["original"][key])) > 1e-3)
    if changed == 0:
        fail("no arrow changed after moving the cheese")
    print(f"moved the cheese to {target}: {changed} arrows changed; drawn field equals the API's")
    if "cheese=" + quote_cell(target) not in driver.current_url:
        fail(f"the URL does not hold the edit: {driver.current_url}")

    # Dragging the mouse (with the cheese tool still chosen) moves the mouse, not the cheese; undo puts it back.
    mouse = edited["maze"]["mouse"]
    drag_target = [mouse[0], mouse[1] + 1] if edited["maze"]["grid"][n - 2 - mouse[1]][mouse[0]] != "#" else [mouse[0] + 1, mouse[1]]
    before = version(driver)
    drag_cell(driver, mouse, drag_target, n)
    wait_update(driver, before, "the field after dragging the mouse")
    dragged = driver.execute_script("return explorer.maze")
    if dragged["mouse"] != drag_target or dragged["cheese"] != target:
        fail(f"dragging the mouse from {mouse} to {drag_target} gave mouse {dragged['mouse']}, cheese {dragged['cheese']}")
    before = version(driver)
    driver.find_element(By.ID, "undo").click()
    wait_update(driver, before, "the field after undo")
    if driver.execute_script("return explorer.maze.mouse") != mouse:
        fail("undo did not put the mouse back")
    print(f"dragged the mouse to {drag_target} and undid it")

    # The cheese vector (slider to -1), then the diff layer.
    before = version(driver)
    set_input(driver, "cheeseCoeff", -1)
    wait_update(driver, before, "the patched field")
    before = version(driver)
    driver.find_element(By.ID, "showDiff").click()
    wait_update(driver, before, "the diff layer")
    canvas = driver.find_element(By.ID, "maze")
    if canvas.get_attribute("data-diff") != "1":
        fail("the diff layer is not shown after turning on the cheese vector and the diff toggle")
    diff_state = driver.execute_script("return {field: explorer.field, drawn: explorer.drawn}")
    api_diff = api(base, "/api/vfield", {"seed": 54, "mode": "hard", "variant": "upstream", "cheese": target,
                                          "patches": ["cheese:coeff=-1"], "diff": True})
    check_arrows(diff_state["drawn"]["diff"], api_diff["cells"], True, "diff layer")
    largest = max(math.hypot(*arrow) for arrow in diff_state["drawn"]["diff"].values())
    if largest < 0.05:
        fail(f"the cheese vector changed no arrow visibly (largest diff {largest})")
    print(f"diff layer shown: {len(diff_state['drawn']['diff'])} arrows, largest {largest:.3f}; equals the API's")

    # A channel's heat map.
    before = version(driver)
    driver.find_element(By.ID, "showHeat").click()
    wait_update(driver, before, "the heat map")
    before = version(driver)
    set_input(driver, "channel", 5)
    wait_update(driver, before, "channel 5's heat map")
    if canvas.get_attribute("data-heat") != "1":
        fail("no heat map shown after picking a channel")
    heat = driver.execute_script("return explorer.drawn.heat")
    api_heat = api(base, "/api/activations", {"seed": 54, "mode": "hard", "variant": "upstream", "cheese": target,
                                                "layer": "embedder.block2.res1.resadd_out", "channels": [5]})
    if heat["channel"] != 5 or heat["values"] != api_heat["values"][0]:
        fail("the heat map drawn is not channel 5's activations from the API")
    print(f"heat map of channel 5 shown ({len(heat['values'])} values, equal to the API's)")

    check_attribution_layers(driver, base, target, n)

    # One rollout step: the original and the patched episode side by side, each panel at step 1 of its own path.
    driver.find_element(By.ID, "rolloutStep").click()
    wait_for(driver, "return (window.explorer.drawn.rolloutPanels || []).length === 2", "the two rollout panels")
    panels = driver.execute_script("return explorer.drawn.rolloutPanels")
    paths = driver.execute_script("return explorer.rollouts.rollouts.map((r) => [r.variant, r.path])")
    if [panel["variant"] for panel in panels] != ["original", "patched"]:
        fail(f"rollout panels are {[panel['variant'] for panel in panels]}, not original and patched side by side")
    for panel, (variant, path) in zip(panels, paths):
        expected = path[min(1, len(path) - 1)]
        if panel["step"] != min(1, len(path) - 1) or panel["position"] != expected:
            fail(f"the {variant} rollout panel shows step {panel['step']} at {panel['position']}, not {expected}")
    print("rollout panels side by side: original and patched at step 1 of their paths")

    if latency_edits:
        latency_seed = int(sys.argv[sys.argv.index("--latency-seed") + 1]) if "--latency-seed" in sys.argv else None
        measure_latency(driver, latency_edits, n, latency_seed)
    if screenshot:
        driver.find_element(By.ID, "showDecision").click()
        time.sleep(0.3)
        driver.save_screenshot(screenshot)
        print(f"screenshot: {screenshot}")


def check_attribution_layers(driver, base, cheese, n):
    """Turns on the attribution overlay and the value-map layer; checks that both are drawn with the API's
    numbers, then that an edit (the cheese moved again) recomputes them."""
    for toggle in ["showAttribution", "showValueMap"]:
        before = version(driver)
        driver.find_element(By.ID, toggle).click()
        wait_update(driver, before, f"the layer of {toggle}")
    canvas = driver.find_element(By.ID, "maze")
    if canvas.get_attribute("data-attribution") != "1" or canvas.get_attribute("data-value-map") != "1":
        fail("the attribution overlay or the value-map layer is not drawn after switching them on")
    fields = {"seed": 54, "mode": "hard", "variant": "upstream", "cheese": cheese, "patches": ["cheese:coeff=-1"]}

    def check(label):
        shown = driver.execute_script("return {a: explorer.attribution, v: explorer.valueMap, drawn: explorer.drawn,"
                                      " info: document.getElementById('attrInfo').textContent}")
        want_a = api(base, "/api/attribution", dict(fields, target="argmax"))
        want_v = api(base, "/api/value-map", fields)
        if shown["a"]["pixels"] != want_a["pixels"] or shown["drawn"]["attribution"]["target"] != want_a["target"]:
            fail(f"{label}: the attribution overlay is not the API's ({shown['drawn']['attribution']})")
        if shown["v"]["cells"] != want_v["cells"] or shown["drawn"]["valueMap"]["cells"] != len(want_v["cells"]):
            fail(f"{label}: the value-map layer is not the API's")
        if "attribution of P(" + want_a["target"] + ")" not in shown["info"] or "value map (patched)" not in shown["info"]:
            fail(f"{label}: the page does not state the layers: {shown['info']!r}")
        return want_a

    first = check("layers on")
    print(f"attribution overlay (P({first['target']}), max |a| {first['max_abs']:.3g}) and value map shown, equal to the API's")
    # An edit recomputes both: the cheese to the other top corner.
    moved = [n - 1, n - 1] if cheese != [n - 1, n - 1] else [0, n - 1]
    driver.find_element(By.CSS_SELECTOR, "input[name=tool][value=cheese]").click()
    before = version(driver)
    click_cell(driver, moved, n)
    wait_update(driver, before, "the layers after moving the cheese again")
    fields["cheese"] = moved
    second = check("after an edit")
    if second["pixels"] == first["pixels"]:
        fail("the attribution overlay did not change when the cheese moved")
    print(f"after moving the cheese to {moved}: both layers recomputed, equal to the API's")
    export = driver.find_element(By.ID, "export").text
    if f"mazerender attribute --seed 54 --cheese {moved[0]},{moved[1]} --target {second['target']} --method gradient-x-input" \
            not in export or "mazerender value-map --seed 54" not in export:
        fail(f"the export does not give the attribute and value-map commands: {export!r}")
    # Back to the earlier cheese, so that later checks see the state they expect.
    before = version(driver)
    click_cell(driver, cheese, n)
    wait_update(driver, before, "the cheese back")


def quote_cell(cell):
    return f"{cell[0]}%2C{cell[1]}"


def measure_latency(driver, count, n, seed=None):
    # The routine's conditions: field, cheese vector and heat map; the attribution and value-map layers (switched
    # on by the checks above, each a further computation per edit) go off first.
    for toggle in ["showAttribution", "showValueMap"]:
        if driver.find_element(By.ID, toggle).is_selected():
            before = version(driver)
            driver.find_element(By.ID, toggle).click()
            wait_update(driver, before, f"{toggle} off")
    canvas = driver.find_element(By.ID, "maze")
    if canvas.get_attribute("data-attribution") == "1" or canvas.get_attribute("data-value-map") == "1":
        fail("the attribution overlay or the value-map layer is still drawn after switching them off")
    if seed is not None:
        before = version(driver)
        driver.execute_script("const e = document.getElementById('seed'); e.value = arguments[0];"
                              "e.dispatchEvent(new Event('change'));", str(seed))
        wait_update(driver, before, f"seed {seed}")
        n = driver.execute_script("return explorer.maze.maze_dim")
    grid = driver.execute_script("return explorer.maze.grid")
    mouse = driver.execute_script("return explorer.maze.mouse")
    open_cells = [[x, n - 1 - row] for row, line in enumerate(grid) for x, symbol in enumerate(line)
                  if symbol != "#" and [x, n - 1 - row] != mouse]
    driver.find_element(By.CSS_SELECTOR, "input[name=tool][value=cheese]").click()
    first = len(driver.execute_script("return explorer.latencies"))
    for index in range(count):
        cell = open_cells[(index * 7) % len(open_cells)]
        before = version(driver)
        click_cell(driver, cell, n)
        wait_update(driver, before, f"edit {index + 1} of the latency run")
    latencies = sorted(driver.execute_script("return explorer.latencies")[first:])
    p95 = latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)]
    median = latencies[len(latencies) // 2]
    cells = len(driver.execute_script("return explorer.field.cells"))
    print(f"maze {n}x{n}, {cells} field cells; latency over {len(latencies)} edits (click to drawn field + heat map, cheese vector on): "
          f"median {median:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
