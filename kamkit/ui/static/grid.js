// The Decision-Making Grid as an SVG a trainee moves people on: with the mouse (drag and drop)
// or the keyboard (Tab to a person; Up/Down change influence, Left/Right support, one level a
// key; Enter or Space shows them in the form). Python owns the data: this only draws `points`
// and, when a person is dropped or moved by a key, writes their influence/support back into
// `points` and their id into `picked` - the same two writes either way, so one save path.
//
// For screen readers each person is an option in a listbox (one for the grid, one for the tray):
// NVDA and JAWS switch to focus mode on an option, so the arrow keys reach the grid instead of
// moving the reading cursor, and "3 of 8" tells where in the list one is. Every option's name
// says who, influence, support, category and our contact in the content's words; a polite live
// region under the grid says each move. The drawing itself (areas, axes) is hidden from them:
// each name already says what it shows.
const NS = "http://www.w3.org/2000/svg";
const KEYS = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
const EDGES = { ArrowUp: "the highest influence", ArrowDown: "the lowest influence",
                ArrowRight: "the strongest support", ArrowLeft: "the strongest opposition" };

function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const rated = (p) => p.influence != null && p.support != null;
const signed = (s) => (s > 0 ? `+${s}` : `${s}`);
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

// "Greta Lind: influence 4 (major), support +1 (supportive) - Driver", in the content's words
function words(cfg, p) {
  const word = (labels, v) => (labels && labels[v] ? ` (${labels[v]})` : "");
  const inf = p.influence == null ? "influence unknown"
    : `influence ${p.influence}${word(cfg.influence_labels, p.influence)}`;
  const sup = p.support == null ? "support unknown"
    : `support ${signed(p.support)}${word(cfg.support_labels, p.support)}`;
  const place = rated(p) ? cfg.places?.[`${p.influence},${p.support}`] : cfg.unmapped;
  return `${p.label}: ${inf}, ${sup}${place ? ` - ${place}` : ""}`;
}

// a person's accessible name (and tooltip): their words, and our contact - told by a number in
// the dot as well as its shade of blue
function fullName(cfg, p) {
  const contact = cfg.contacts?.[p.contact ?? 0];
  const ours = contact ? `; our contact: ${contact}` : "";
  const how = rated(p) ? "" : ". Not on the grid yet: press an arrow key to place them in the middle";
  return `${words(cfg, p)}${ours}${how}`;
}

function render({ model, el: host }) {
  const W = 520, H = 400, L = 48, B = 40, T = 10, R = 10;
  const pw = W - L - R, ph = H - T - B;
  const x = (s) => L + ((s + 2.5) / 5) * pw;           // support -2..+2
  const y = (i) => T + (1 - (i - 0.5) / 5) * ph;       // influence 1..5
  const sOf = (px) => ((px - L) / pw) * 5 - 2.5;
  const iOf = (py) => (1 - (py - T) / ph) * 5 + 0.5;

  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "kk-grid",
                          role: "group" });
  host.appendChild(svg);
  // what was moved is said here, politely: it must be on the page before its words change
  const said = document.createElement("div");
  said.className = "kk-grid-said";
  said.setAttribute("role", "status");
  said.setAttribute("aria-live", "polite");
  host.appendChild(said);
  const say = (text) => { said.textContent = said.textContent === text ? `${text}\u00a0` : text; };

  let keepFocus = null;  // the person to focus again once the grid is drawn anew
  let drawn = "";  // what the grid shows now: drawn again only when that changes, so a screen
                   // reader is not read the focused person's name anew for nothing

  function draw() {
    const cfg = model.get("config");
    const points = model.get("points");
    const now = JSON.stringify([cfg, points]);
    if (now === drawn) return;
    drawn = now;
    const active = document.activeElement;
    const focusId = keepFocus ?? (active && svg.contains(active) ? active.getAttribute("data-id")
                                                                 : null);
    keepFocus = null;
    svg.replaceChildren();
    const waiting = points.filter((p) => !rated(p));
    const many = (n) => `${n} ${n === 1 ? "person" : "people"}`;
    svg.setAttribute("aria-label", `Decision-Making Grid: ${many(points.length)}` +
      (waiting.length ? `, ${waiting.length} not on the grid yet` : "") +
      "; use Tab to reach a person and the arrow keys to move them: up and down change " +
      "influence, left and right support");
    const art = el("g", { "aria-hidden": "true" }, svg);
    const hi = cfg.high_from ?? 4;
    const bands = { opposed: [-2.5, -0.5], neutral: [-0.5, 0.5], supportive: [0.5, 2.5] };
    const levels = { high: [hi - 0.5, 5.5], low: [0.5, hi - 0.5] };
    for (const c of cfg.categories ?? []) {
      const [s0, s1] = bands[c.support], [i0, i1] = levels[c.influence];
      el("rect", { x: x(s0), y: y(i1), width: x(s1) - x(s0), height: y(i0) - y(i1),
                   fill: c.fill, stroke: "#fff" }, art);
      const t = el("text", { x: (x(s0) + x(s1)) / 2, y: y(i1) + 16, "text-anchor": "middle",
                             "font-size": 13, "font-weight": 600, fill: "#555" }, art);
      t.textContent = c.name;
    }
    for (let s = -2; s <= 2; s++) {
      const t = el("text", { x: x(s), y: H - B + 14, "text-anchor": "middle", "font-size": 10,
                             fill: "#555" }, art);
      t.textContent = signed(s);
    }
    for (let i = 1; i <= 5; i++) {
      const t = el("text", { x: L - 8, y: y(i) + 3, "text-anchor": "end", "font-size": 10,
                             fill: "#555" }, art);
      t.textContent = `${i}`;
    }
    const xl = el("text", { x: L + pw / 2, y: H - 6, "text-anchor": "middle", "font-size": 12 }, art);
    xl.textContent = "Support for us →";
    const yl = el("text", { transform: `translate(14 ${T + ph / 2}) rotate(-90)`,
                            "text-anchor": "middle", "font-size": 12 }, art);
    yl.textContent = "Influence on the decision →";

    // people sharing a spot are fanned out so every one can be grabbed
    const onGrid = points.filter(rated);
    const list = onGrid.length
      ? el("g", { role: "listbox", "aria-label": "People on the grid" }, svg) : null;
    const spots = {};
    for (const p of onGrid) (spots[`${p.influence},${p.support}`] ??= []).push(p);
    for (const group of Object.values(spots)) {
      group.forEach((p, k) => {
        const angle = (2 * Math.PI * k) / group.length;
        const r = group.length > 1 ? 14 : 0;
        person(cfg, p, x(p.support) + r * Math.cos(angle), y(p.influence) + r * Math.sin(angle),
               p.support >= 2, list);  // labels of the rightmost column go left, inside
      });
    }
    // people not rated yet wait in a tray under the grid, to be dragged onto it
    const tray = waiting.length ? 40 + Math.ceil(waiting.length / 4) * 22 : 0;
    svg.setAttribute("viewBox", `0 0 ${W} ${H + tray}`);
    svg.setAttribute("height", H + tray);
    if (waiting.length) {
      const t = el("text", { x: 4, y: H + 14, "font-size": 11, fill: "#555" }, art);
      t.textContent = "Not on the grid yet - drag onto it, or Tab to a person and press an arrow key:";
      const box = el("g", { role: "listbox", "aria-label": "Not on the grid yet" }, svg);
      waiting.forEach((p, k) => person(cfg, p, L + 8 + (k % 4) * 118,
                                       H + 32 + Math.floor(k / 4) * 22, false, box));
    }
    if (focusId) {
      const back = [...svg.querySelectorAll("g.kk-person")].find(
        (g) => g.getAttribute("data-id") === focusId);
      if (back) back.focus({ preventScroll: true });
    }
  }

  // a person placed by a drop or a key: the same writes, so Python saves it the same way
  function place(p, influence, support) {
    model.set("points", model.get("points").map((q) =>
      q.id === p.id ? { ...q, influence, support } : q));
    model.set("picked", p.id);
    model.save_changes();
    draw();
    say(words(model.get("config"), { ...p, influence, support }));
  }

  function pick(p) {
    model.set("picked", p.id);
    model.save_changes();
  }

  function nudge(id, key) {
    const cfg = model.get("config");
    const p = model.get("points").find((q) => q.id === id);
    if (!p) return;
    keepFocus = id;
    if (!rated(p)) {  // from the tray: into the middle, keeping what is known of them
      const start = cfg.start ?? { influence: 3, support: 0 };
      place(p, p.influence ?? start.influence, p.support ?? start.support);
      return;
    }
    const [di, ds] = KEYS[key];
    const [i0, i1] = cfg.influence_range ?? [1, 5], [s0, s1] = cfg.support_range ?? [-2, 2];
    const influence = clamp(p.influence + di, i0, i1), support = clamp(p.support + ds, s0, s1);
    if (influence === p.influence && support === p.support) {
      keepFocus = null;
      say(`Already at ${EDGES[key]}. ${words(cfg, p)}`);
      return;
    }
    place(p, influence, support);
  }

  function person(cfg, p, cx, cy, right, parent) {
    const name = fullName(cfg, p);
    const g = el("g", { class: "kk-person", "data-id": p.id, tabindex: 0, role: "option",
                        "aria-selected": p.selected ? "true" : "false" }, parent);
    // the name, and the same words as a tooltip for the mouse (an SVG element's <title> is its
    // accessible name; an aria-label as well would make it the description, read twice)
    el("title", {}, g).textContent = name;
    // where the keyboard is: a blue ring on a white halo, clear on every area's shade
    const ring = el("g", { class: "kk-ring" }, g);
    const halo = el("path", { fill: "none", stroke: "#fff", "stroke-width": 6 }, ring);
    const loop = el("path", { fill: "none", stroke: "#1a5fb4", "stroke-width": 3 }, ring);
    const dot = el("circle", { r: 8, fill: p.colour ?? "#fff", stroke: "#333",
                               "stroke-width": p.selected ? 3 : 1 }, g);
    const label = el("text", { "font-size": 11, fill: "#111" }, g);
    // our contact's level as a number in the dot, not only its shade
    const digit = p.contact ? el("tspan", { "text-anchor": "middle", "font-size": 10,
                                            "font-weight": 700,
                                            fill: p.contact >= 3 ? "#fff" : "#111" }, label)
      : null;
    if (digit) digit.textContent = `${p.contact}`;
    const text = el("tspan", { "text-anchor": right ? "end" : "start" }, label);
    text.textContent = p.label;
    const at = (px, py) => {
      dot.setAttribute("cx", px); dot.setAttribute("cy", py);
      const d = `M ${px - 13} ${py} a 13 13 0 1 0 26 0 a 13 13 0 1 0 -26 0`;
      halo.setAttribute("d", d); loop.setAttribute("d", d);
      if (digit) { digit.setAttribute("x", px); digit.setAttribute("y", py + 3.5); }
      text.setAttribute("x", right ? px - 11 : px + 11); text.setAttribute("y", py + 4);
    };
    at(cx, cy);
    g.addEventListener("keydown", (ev) => {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (KEYS[ev.key]) {
        ev.preventDefault();  // the page must not scroll
        if (!ev.repeat) nudge(p.id, ev.key);  // one level per press: a held key is not a run
      } else if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        pick(p);  // focus stays here by itself; the form beside shows the person
      }
    });
    g.addEventListener("pointerdown", (ev) => {
      ev.preventDefault();
      g.setPointerCapture(ev.pointerId);
      const box = svg.getBoundingClientRect(), scale = W / box.width;
      const move = (e) => at((e.clientX - box.left) * scale, (e.clientY - box.top) * scale);
      const up = (e) => {
        g.removeEventListener("pointermove", move);
        g.removeEventListener("pointerup", up);
        const px = (e.clientX - box.left) * scale, py = (e.clientY - box.top) * scale;
        const onGrid = py <= H - B + 8;
        if (!rated(p) && !onGrid) {  // left in the tray: only a click, which selects
          pick(p);
          draw();
          return;
        }
        place(p, clamp(Math.round(iOf(py)), 1, 5), clamp(Math.round(sOf(px)), -2, 2));
      };
      g.addEventListener("pointermove", move);
      g.addEventListener("pointerup", up);
    });
  }
  model.on("change:points", draw);
  model.on("change:config", draw);
  draw();
  // anywidget's contract: a view that is thrown away stops listening to the model
  return () => {
    model.off("change:points", draw);
    model.off("change:config", draw);
  };
}

export default { render };
