"""Charts drawn to static SVG at build time (no script: the SVG is shown through <img>)."""

from __future__ import annotations

import re
from typing import Any

import pygal
from pygal.style import Style

from generator.documents.models.account import Health
from generator.site.index import AgeBucket, MonthCount, RenewalWeek

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


_HEALTH_COLOURS = {Health.GREEN: "#2e7d32", Health.YELLOW: "#f9a825", Health.RED: "#c62828"}


def _chart(kind: Any, title: str, colours: tuple[str, ...], **options: object) -> Any:
    style = Style(
        background="transparent",
        plot_background="transparent",
        font_family="Roboto, Helvetica, Arial, sans-serif",
        colors=colours,
    )
    return kind(
        style=style, js=[], disable_xml_declaration=True, legend_at_bottom=True, width=900, height=360,
        title=title, print_values=False, **options,
    )  # fmt: skip


def open_by_age_svg(buckets: list[AgeBucket]) -> str:
    chart = _chart(pygal.StackedBar, "Open tech reviews by age", ("#546e7a", "#c62828"))
    chart.x_labels = [b.label for b in buckets]
    chart.add("on time", [b.on_time for b in buckets])
    chart.add("feedback overdue", [b.overdue for b in buckets])
    return _deterministic(chart.render(is_unicode=True), "open-by-age")


def open_by_role_svg(counts: dict[str, int]) -> str:
    chart = _chart(pygal.HorizontalBar, "Open tech reviews by the role they wait on", ("#3f51b5",),
                   show_legend=False)  # fmt: skip
    chart.x_labels = list(counts)
    chart.add("open reviews", list(counts.values()))
    return _deterministic(chart.render(is_unicode=True), "open-by-role")


def health_svg(groups: dict[str, dict[Health, int]], title: str, name: str) -> str:
    chart = _chart(pygal.StackedBar, title, tuple(_HEALTH_COLOURS.values()))
    chart.x_labels = list(groups)
    for health in _HEALTH_COLOURS:
        chart.add(health.value, [counts[health] for counts in groups.values()])
    return _deterministic(chart.render(is_unicode=True), name)


def renewals_svg(weeks: list[RenewalWeek]) -> str:
    chart = _chart(pygal.StackedBar, "Renewals in the next 90 days, by week and health",
                   tuple(_HEALTH_COLOURS.values()), x_label_rotation=30)  # fmt: skip
    chart.x_labels = [f"week of {w.starts.isoformat()}" for w in weeks]
    for health in _HEALTH_COLOURS:
        chart.add(health.value, [w.by_health[health] for w in weeks])
    return _deterministic(chart.render(is_unicode=True), "renewals-timeline")


def pipeline_svg(pipeline: dict[str, dict[str, int]]) -> str:
    chart = _chart(pygal.StackedBar, "Technical-win pipeline by phase", ("#3f51b5", "#9fa8da"))
    chart.x_labels = list(pipeline)
    for window in ("this quarter", "next quarter"):
        chart.add(f"closing {window}", [counts[window] for counts in pipeline.values()])
    return _deterministic(chart.render(is_unicode=True), "pipeline-by-phase")


def _deterministic(svg: str, name: str) -> str:
    """Same data, same bytes: no random chart id, no build-date comment, no inline config script."""
    found = re.search(r'id="chart-([0-9a-f-]+)"', svg)
    if found:
        svg = svg.replace(found.group(1), name)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.DOTALL)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg
