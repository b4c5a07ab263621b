"""The License Manager dashboard ("Dashboard in License Manager") as one self-contained HTML
page, from the dashboard frame of each account (``Simulation.dashboard``) and the records:
inline CSS, each configuration's compliance drawn as inline SVG (licenses consumed against
the license count over the run, blocked launches marked), the alerts listed; no script and
nothing fetched, so it opens anywhere, offline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

import pandas as pd

_WIDTH, _HEIGHT, _LEFT, _RIGHT, _TOP, _BOTTOM = 640, 200, 48, 12, 12, 28

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#16191f;background:#f2f3f3}
header{background:#232f3e;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#d5dbdb;font-size:13px}main{padding:16px 24px}
section.account{background:#fff;border:1px solid #d5dbdb;border-radius:8px;padding:16px;margin-bottom:24px}
h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px;margin-bottom:8px}
th,td{border-bottom:1px solid #e9ebed;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#fafafa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.over{color:#d13212;font-weight:600}.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;border:1px solid #e9ebed;border-radius:6px;padding:8px;background:#fff}
figcaption{font-size:13px;font-weight:600;margin-bottom:4px}svg{display:block}
.legend{font-size:12px;color:#545b64}.legend span{margin-right:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
p.empty{color:#545b64;font-size:13px}
"""


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        return escape(" ".join(str(v) for v in value))
    return escape(str(value))


def _table(frame: pd.DataFrame) -> str:
    heads = ("Name", "License type", "Consumed", "Remaining", "Rules enforced", "Shared tenancy",
             "Dedicated instances", "On Dedicated Hosts", "Alerts", "Last alert")
    keys = ("name", "license_type", "consumed", "remaining", "rules_enforced", "hosts_default", "hosts_dedicated",
            "hosts_host", "alerts", "last_alert")
    numeric = {"consumed", "remaining", "hosts_default", "hosts_dedicated", "hosts_host", "alerts"}
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for key in keys:
            value = getattr(row, key)
            classes = ["num"] if key in numeric else []
            if key == "remaining" and value is not pd.NA and value is not None and value < 0:
                classes.append("over")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{_cell(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    return (f'<table class="configurations"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            "</table>")


def _steps(times: list[float], values: list[float], x: Callable[[float | None], float],
           y: Callable[[float], float]) -> str:
    """An SVG path holding each value until the next time (a step line)."""
    if not times:
        return ""
    parts = [f"M{x(times[0]):.1f},{y(values[0]):.1f}"]
    for t, v in zip(times[1:], values[1:], strict=True):
        parts.append(f"H{x(t):.1f}V{y(v):.1f}")
    parts.append(f"H{x(None):.1f}")
    return "".join(parts)


def compliance_svg(levels: pd.DataFrame, blocked: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                   title: str) -> str:
    """One configuration's compliance as inline SVG: consumed (a step line) against the
    license count (dashed), blocked launches as red marks, the run's first and last day on
    the time axis."""
    span = max((end - start).total_seconds(), 1.0)
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    times = [(t - start).total_seconds() for t in levels.time]
    consumed = [float(v) for v in levels.consumed]
    counts = [float(v) for v in levels.license_count]
    known = [c for c in counts if c == c]
    top = max([*consumed, *known, 1.0]) * 1.1

    def x(seconds: float | None) -> float:
        return _LEFT + plot_w * (span if seconds is None else min(max(seconds, 0.0), span)) / span

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - value / top)

    count_path = ""
    if known:
        filled = [c if c == c else 0.0 for c in counts]
        count_path = (f'<path d="{_steps(times, filled, x, y)}" fill="none" stroke="#ff9900" stroke-width="2" '
                      'stroke-dasharray="6 4"/>')
    marks = []
    for when in blocked.time:
        seconds = (when - start).total_seconds()
        at = max((v for t, v in zip(times, consumed, strict=True) if t <= seconds), default=0.0)
        px, py = x(seconds), y(at)
        marks.append(f'<path d="M{px:.1f},{py - 7:.1f}L{px - 5:.1f},{py + 2:.1f}L{px + 5:.1f},{py + 2:.1f}Z" '
                     'fill="#d13212"/>')
    ticks = []
    for fraction in (0.0, 0.5, 1.0):
        value = top / 1.1 * fraction
        ticks.append(f'<text x="{_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>'
                     f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#e9ebed"/>')
    first, last = start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d %H:%M")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" viewBox="0 0 {_WIDTH} '
        f'{_HEIGHT}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<g font-size="11" fill="#545b64">{"".join(ticks)}'
        f'<text x="{_LEFT}" y="{_HEIGHT - 8}">{first}</text>'
        f'<text x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 8}" text-anchor="end">{last} UTC</text></g>'
        f'<line x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{_TOP + plot_h}" stroke="#879596"/>'
        f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{_TOP + plot_h}" y2="{_TOP + plot_h}" stroke="#879596"/>'
        f'{count_path}<path d="{_steps(times, consumed, x, y)}" fill="none" stroke="#0073bb" stroke-width="2"/>'
        f'{"".join(marks)}</svg>'
    )


def _alerts(notifications: pd.DataFrame, limit: int = 20) -> str:
    if notifications.empty:
        return '<p class="empty">No alerts.</p>'
    rows = [f"<tr><td>{row.time:%Y-%m-%d %H:%M}</td><td>{_cell(row.kind)}</td><td>{_cell(row.subject)}</td>"
            f"<td>{_cell(row.topic_arn) or 'not published'}</td></tr>"
            for row in notifications.tail(limit).iloc[::-1].itertuples(index=False)]
    return ('<table class="alerts"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Kind</th>'
            '<th scope="col">Subject</th><th scope="col">SNS topic</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_dashboard(accounts: Sequence[tuple[str, pd.DataFrame]], region: str, compliance: pd.DataFrame,
                     violations: pd.DataFrame, notifications: pd.DataFrame, start: datetime, now: datetime) -> str:
    """The dashboard page of ``accounts`` (each with its ``dashboard_frame``) in ``region``."""
    begin, end = pd.Timestamp(start), pd.Timestamp(now)
    sections = []
    for account_id, frame in accounts:
        charts = []
        for row in frame.itertuples(index=False):
            levels = compliance[compliance.license_configuration_arn == row.license_configuration_arn]
            blocked = violations[(violations.license_configuration_arn == row.license_configuration_arn)
                                 & (violations.action == "blocked")]
            title = f"{row.name}: licenses consumed against the license count"
            charts.append(f"<figure><figcaption>{escape(row.name)} ({escape(row.license_type)})</figcaption>"
                          f"{compliance_svg(levels, blocked, begin, end, title)}</figure>")
        mine = notifications[notifications.account_id == account_id] if not notifications.empty else notifications
        table = _table(frame) if len(frame) else '<p class="empty">No license configurations.</p>'
        sections.append(
            f'<section class="account" id="account-{account_id}"><h2>Account {account_id} ({escape(region)})</h2>'
            f"{table}<h3>Compliance</h3>"
            '<p class="legend"><span><i class="swatch" style="background:#0073bb"></i>consumed</span>'
            '<span><i class="swatch" style="background:#ff9900"></i>license count</span>'
            '<span><i class="swatch" style="background:#d13212"></i>blocked launch</span></p>'
            f'<div class="charts">{"".join(charts)}</div><h3>Alerts</h3>{_alerts(mine)}</section>')
    body = "".join(sections) or '<p class="empty">No account owns a license configuration.</p>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>License Manager dashboard</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>License Manager dashboard</h1><p>{escape(region)} at {now:%Y-%m-%d %H:%M} UTC "
        f"(simulated)</p></header><main>{body}</main></body></html>\n"
    )
