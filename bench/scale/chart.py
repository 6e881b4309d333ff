"""A hand-written SVG chart of the follow-at-scale results (standard library only, no plotting package).

Two panels against the number of runs N (log scale): requests Duvo received per minute, and p95 status-change
latency; the bridge and naive per-run polling, with Duvo's 300/min limit and the 15 s goal as dashed lines. Runs
started elsewhere and followed with `runs/follow` (`--start-via direct`) are drawn as hollow markers.
"""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

BRIDGE, NAIVE, GOAL = "#1f6feb", "#d1242f", "#6e7781"
WIDTH, HEIGHT = 960, 460
PANEL_W, PANEL_H = 380, 280
LEFT, TOP = 80, 92


class Panel:
    """One log-log panel at (x0, y0) mapping N in [lo_n, hi_n] and y in [lo_y, hi_y]."""

    def __init__(self, x0: float, y0: float, ns: list[int], lo_y: float, hi_y: float):
        self.x0, self.y0 = x0, y0
        self.lo_n, self.hi_n = min(ns) / 2, max(ns) * 2
        self.lo_y, self.hi_y = lo_y, hi_y

    def x(self, n: float) -> float:
        return self.x0 + PANEL_W * (math.log10(n) - math.log10(self.lo_n)) / (
            math.log10(self.hi_n) - math.log10(self.lo_n))

    def y(self, value: float) -> float:
        value = min(max(value, self.lo_y), self.hi_y)
        return self.y0 + PANEL_H - PANEL_H * (math.log10(value) - math.log10(self.lo_y)) / (
            math.log10(self.hi_y) - math.log10(self.lo_y))


def decades(lo: float, hi: float) -> list[float]:
    start, end = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [10.0 ** e for e in range(start, end + 1) if lo <= 10.0 ** e <= hi]


def bounds(values: list[float], floor: float) -> tuple[float, float]:
    values = [v for v in values if v and v > 0] or [floor]
    lo = 10 ** math.floor(math.log10(max(min(values), floor)))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.05))
    return lo, max(hi, lo * 10)


def panel_svg(panel: Panel, title: str, unit: str, ns: list[int], series: list[tuple[str, str, list, bool]],
              guide: tuple[float, str]) -> list[str]:
    out = [f'<text x="{panel.x0 + PANEL_W / 2}" y="{panel.y0 - 16}" text-anchor="middle" '
           f'font-size="15" font-weight="600">{escape(title)}</text>',
           f'<rect x="{panel.x0}" y="{panel.y0}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#d0d7de"/>']
    for value in decades(panel.lo_y, panel.hi_y):
        y = panel.y(value)
        label = f"{value:g}"
        out.append(f'<line x1="{panel.x0}" y1="{y:.1f}" x2="{panel.x0 + PANEL_W}" y2="{y:.1f}" stroke="#eaeef2"/>')
        out.append(f'<text x="{panel.x0 - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{label}</text>')
    for n in ns:
        x = panel.x(n)
        out.append(f'<text x="{x:.1f}" y="{panel.y0 + PANEL_H + 18}" text-anchor="middle" font-size="12">{n}</text>')
    out.append(f'<text x="{panel.x0 + PANEL_W / 2}" y="{panel.y0 + PANEL_H + 38}" text-anchor="middle" '
               f'font-size="12">runs followed (N)</text>')
    out.append(f'<text x="{panel.x0 - 56}" y="{panel.y0 + PANEL_H / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {panel.x0 - 56} {panel.y0 + PANEL_H / 2})">{escape(unit)}</text>')
    value, label = guide
    if panel.lo_y <= value <= panel.hi_y:
        y = panel.y(value)
        out.append(f'<line x1="{panel.x0}" y1="{y:.1f}" x2="{panel.x0 + PANEL_W}" y2="{y:.1f}" stroke="{GOAL}" '
                   f'stroke-dasharray="6 4"/>')
        out.append(f'<text x="{panel.x0 + PANEL_W - 4}" y="{y - 6:.1f}" text-anchor="end" font-size="11" '
                   f'fill="{GOAL}">{escape(label)}</text>')
    for _, color, points, hollow in series:
        points = [(n, v) for n, v in points if v is not None]
        if not hollow and len(points) > 1:
            path = " ".join(f"{panel.x(n):.1f},{panel.y(max(v, panel.lo_y)):.1f}" for n, v in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for n, v in points:
            fill = "white" if hollow else color
            out.append(f'<circle cx="{panel.x(n):.1f}" cy="{panel.y(max(v, panel.lo_y)):.1f}" r="5" fill="{fill}" '
                       f'stroke="{color}" stroke-width="2"><title>{n}: {v:g} {escape(unit)}</title></circle>')
    return out


def render(results: list[dict], direct: list[dict] | None = None) -> str:
    """The SVG text for `results` (bridge-started runs) and optional `direct` (runs started elsewhere)."""
    direct = direct or []
    ns = sorted({r["n"] for r in results + direct})

    def points(rows, side, metric):
        out = []
        for r in sorted(rows, key=lambda r: r["n"]):
            if side not in r:
                continue
            value = (r[side]["requests"]["per_minute_mean"] if metric == "rate"
                     else r[side]["status_latency"]["p95_s"])
            out.append((r["n"], value))
        return out

    rate_series = [("bridge", BRIDGE, points(results, "bridge", "rate"), False),
                   ("naive", NAIVE, points(results, "naive", "rate"), False),
                   ("bridge, runs started elsewhere", BRIDGE, points(direct, "bridge", "rate"), True),
                   ("naive, runs started elsewhere", NAIVE, points(direct, "naive", "rate"), True)]
    latency_series = [("bridge", BRIDGE, points(results, "bridge", "latency"), False),
                      ("naive", NAIVE, points(results, "naive", "latency"), False),
                      ("bridge, runs started elsewhere", BRIDGE, points(direct, "bridge", "latency"), True),
                      ("naive, runs started elsewhere", NAIVE, points(direct, "naive", "latency"), True)]
    rates = [v for _, _, pts, _ in rate_series for _, v in pts] + [300]
    latencies = [v for _, _, pts, _ in latency_series for _, v in pts if v] + [15]
    left = Panel(LEFT, TOP, ns, *bounds(rates, 1))
    right = Panel(LEFT + PANEL_W + 110, TOP, ns, *bounds(latencies, 0.1))
    speeds = sorted({r["speed"] for r in results + direct})
    subtitle = (f"duvo rpc vs naive per-run polling (GET every 5 s), each under its own 300/min key; simulator speed "
                f"{', '.join(f'{s:g}' for s in speeds)}x")
    body = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif">',
            '<rect width="100%" height="100%" fill="white"/>',
            f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="17" font-weight="700">'
            f'Following N Duvo runs at once</text>',
            f'<text x="{WIDTH / 2}" y="44" text-anchor="middle" font-size="12" fill="#57606a">'
            f'{escape(subtitle)}</text>']
    body += panel_svg(left, "Requests Duvo received per minute", "requests / minute", ns, rate_series,
                      (300, "Duvo's limit: 300/min"))
    body += panel_svg(right, "Status-change latency, p95", "seconds", ns, latency_series, (15, "goal: 15 s"))
    legend_y = HEIGHT - 14
    x = LEFT
    for label, color, pts, hollow in rate_series:
        if not pts:
            continue
        fill = "white" if hollow else color
        body.append(f'<circle cx="{x}" cy="{legend_y - 4}" r="5" fill="{fill}" stroke="{color}" stroke-width="2"/>')
        body.append(f'<text x="{x + 10}" y="{legend_y}" font-size="12">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    body.append("</svg>")
    return "\n".join(body) + "\n"
