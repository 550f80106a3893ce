// The Decision-Making Grid as an SVG a trainee can drag people on. Python owns the data: this only
// draws `points` and, when a point is dropped, writes its snapped influence/support back.
const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function render({ model, el: host }) {
  const W = 520, H = 400, L = 48, B = 40, T = 10, R = 10;
  const pw = W - L - R, ph = H - T - B;
  const x = (s) => L + ((s + 2.5) / 5) * pw;           // support -2..+2
  const y = (i) => T + (1 - (i - 0.5) / 5) * ph;       // influence 1..5
  const sOf = (px) => ((px - L) / pw) * 5 - 2.5;
  const iOf = (py) => (1 - (py - T) / ph) * 5 + 0.5;
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "kk-grid" });
  host.appendChild(svg);

  function draw() {
    const cfg = model.get("config");
    const points = model.get("points");
    svg.replaceChildren();
    const hi = cfg.high_from ?? 4;
    const bands = { opposed: [-2.5, -0.5], neutral: [-0.5, 0.5], supportive: [0.5, 2.5] };
    const levels = { high: [hi - 0.5, 5.5], low: [0.5, hi - 0.5] };
    for (const c of cfg.categories ?? []) {
      const [s0, s1] = bands[c.support], [i0, i1] = levels[c.influence];
      el("rect", { x: x(s0), y: y(i1), width: x(s1) - x(s0), height: y(i0) - y(i1),
                   fill: c.fill, stroke: "#fff" }, svg);
      const t = el("text", { x: (x(s0) + x(s1)) / 2, y: y(i1) + 16, "text-anchor": "middle",
                             "font-size": 13, "font-weight": 600, fill: "#555" }, svg);
      t.textContent = c.name;
    }
    for (let s = -2; s <= 2; s++) {
      const t = el("text", { x: x(s), y: H - B + 14, "text-anchor": "middle", "font-size": 10,
                             fill: "#777" }, svg);
      t.textContent = s > 0 ? `+${s}` : `${s}`;
    }
    for (let i = 1; i <= 5; i++) {
      const t = el("text", { x: L - 8, y: y(i) + 3, "text-anchor": "end", "font-size": 10,
                             fill: "#777" }, svg);
      t.textContent = `${i}`;
    }
    const xl = el("text", { x: L + pw / 2, y: H - 6, "text-anchor": "middle", "font-size": 12 }, svg);
    xl.textContent = "Support for us →";
    const yl = el("text", { transform: `translate(14 ${T + ph / 2}) rotate(-90)`,
                            "text-anchor": "middle", "font-size": 12 }, svg);
    yl.textContent = "Influence on the decision →";

    // people sharing a spot are fanned out so every one can be grabbed
    const rated = (p) => p.influence != null && p.support != null;
    const spots = {};
    for (const p of points.filter(rated)) (spots[`${p.influence},${p.support}`] ??= []).push(p);
    for (const group of Object.values(spots)) {
      group.forEach((p, k) => {
        const angle = (2 * Math.PI * k) / group.length;
        const r = group.length > 1 ? 14 : 0;
        person(p, x(p.support) + r * Math.cos(angle), y(p.influence) + r * Math.sin(angle),
               p.support >= 2);  // labels of the rightmost column go left, inside
      });
    }
    // people not rated yet wait in a tray under the grid, to be dragged onto it
    const waiting = points.filter((p) => !rated(p));
    const tray = waiting.length ? 40 + Math.ceil(waiting.length / 4) * 22 : 0;
    svg.setAttribute("viewBox", `0 0 ${W} ${H + tray}`);
    svg.setAttribute("height", H + tray);
    if (waiting.length) {
      const t = el("text", { x: 4, y: H + 14, "font-size": 11, fill: "#555" }, svg);
      t.textContent = "Not on the grid yet - drag onto it:";
      waiting.forEach((p, k) => person(p, L + 8 + (k % 4) * 118, H + 32 + Math.floor(k / 4) * 22,
                                       false));
    }
  }

  function person(p, cx, cy, right) {
    const g = el("g", { class: "kk-person", "data-id": p.id, style: "cursor: grab" }, svg);
    const dot = el("circle", { cx, cy, r: 8, fill: p.colour, stroke: "#333",
                               "stroke-width": p.selected ? 3 : 1 }, g);
    const label = el("text", { x: right ? cx - 11 : cx + 11, y: cy + 4, "font-size": 11,
                               fill: "#111", "text-anchor": right ? "end" : "start" }, g);
    label.textContent = p.label;
    g.addEventListener("pointerdown", (ev) => {
      ev.preventDefault();
      g.setPointerCapture(ev.pointerId);
      const box = svg.getBoundingClientRect(), scale = W / box.width;
      const move = (e) => {
        const px = (e.clientX - box.left) * scale, py = (e.clientY - box.top) * scale;
        dot.setAttribute("cx", px); dot.setAttribute("cy", py);
        label.setAttribute("x", right ? px - 11 : px + 11); label.setAttribute("y", py + 4);
      };
      const up = (e) => {
        g.removeEventListener("pointermove", move);
        g.removeEventListener("pointerup", up);
        const px = (e.clientX - box.left) * scale, py = (e.clientY - box.top) * scale;
        const onGrid = py <= H - B + 8;
        if (p.influence == null || p.support == null) {
          if (!onGrid) {  // left in the tray: only a click, which selects
            model.set("picked", p.id);
            model.save_changes();
            draw();
            return;
          }
        }
        const support = clamp(Math.round(sOf(px)), -2, 2);
        const influence = clamp(Math.round(iOf(py)), 1, 5);
        model.set("points", model.get("points").map((q) =>
          q.id === p.id ? { ...q, influence, support } : q));
        model.set("picked", p.id);
        model.save_changes();
        draw();
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
