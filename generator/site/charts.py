"""Charts drawn to static SVG at build time (no script: the SVG is shown through <img>)."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from generator.site.index import MonthCount

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="Roboto, Helvetica, Arial, sans-serif",
    colors=("#546e7a", "#2e7d32", "#c62828"),
)


def reviews_per_month_svg(counts: list[MonthCount]) -> str:
    """Reviews opened, approved and denied per month, as a grouped bar chart."""
    chart = pygal.Bar(
        style=_STYLE,
        js=[],  # pygal links a tooltip script by default; the site ships no third-party script
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        x_label_rotation=30,
        width=900,
        height=360,
        title="Tech reviews per month",
        print_values=False,
    )
    chart.x_labels = [count.month for count in counts]
    chart.add("opened", [count.opened for count in counts])
    chart.add("approved (yes)", [count.approved for count in counts])
    chart.add("denied (no)", [count.denied for count in counts])
    return _deterministic(chart.render(is_unicode=True), "reviews-per-month")


def _deterministic(svg: str, name: str) -> str:
    """Same data, same bytes: no random chart id, no build-date comment, no inline config script."""
    found = re.search(r'id="chart-([0-9a-f-]+)"', svg)
    if found:
        svg = svg.replace(found.group(1), name)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.DOTALL)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg
