"""Charts as files to publish: SVG and PNG drawn on the server from the chart JSON a page
draws (services.dashboard.figures), in a print-friendly style (white, black text, hatched
stacks that survive greyscale), with the source line and provisional months marked.

matplotlib's object API on the Agg canvas, no pyplot: no global figure state, so charts can
be drawn in worker threads. Text stays text in the SVG (svg.fonttype none), so the source
line can be read, searched and edited by a graphics desk.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams.update({
    "svg.fonttype": "none",  # <text> elements, not glyph outlines
    "svg.hashsalt": "docketwatch",  # stable element ids: the same chart, the same file
    "font.family": "DejaVu Sans",
    "font.size": 9,
})

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from docketwatch.i18n import _, format_number  # noqa: E402
from services.dashboard.data import NO_DATA  # noqa: E402
from services.dashboard.figures import Figure as Chart  # noqa: E402

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
SIZE_IN = (8.0, 4.8)
PNG_DPI = 200  # 1600 × 960 px
COLORS = {
    "refusal": "#b03a2e", "military": "#d68910", "other": "#5d7fa3", "unknown": "#a6acaf",
    "verdict": "#b03a2e", "terminated": "#1e8449", "returned_to_prosecutor": "#d68910",
    "transferred": "#6c3483", "other_ruling": "#5d7fa3", "medical_measures": "#884ea0",
    "unclassified": "#a6acaf", "per_day": "#b03a2e", "all": "#5d7fa3",
}
SERIES = ("#5d7fa3", "#d68910", "#b03a2e", "#1e8449", "#6c3483", "#884ea0", "#7f8c8d")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")


def source_line(as_of: str) -> str:
    """Under every chart and in every workbook, in the current language; the date stays
    ISO (YYYY-MM-DD), the form a citation of the data is checked against."""
    return _("docketwatch, sudrf.ru dockets, as of {date}").format(
        date=_("no data") if as_of == NO_DATA else as_of)


def _text(value: str) -> str:
    """Plain text for matplotlib: a "$" would start mathtext."""
    return value.replace("$", r"\$")


def _colour(key: str, i: int) -> str:
    return COLORS.get(key, SERIES[i % len(SERIES)])


def _values(data: Sequence[Any]) -> list[float]:
    return [math.nan if v is None else float(v) for v in data]


def draw(chart: Chart, as_of: str, fmt: str, subtitle: str = "") -> bytes:
    """The chart as an SVG or PNG file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    data = chart.chart
    labels: list[str] = list(data["labels"])
    provisional: list[bool] = list(data.get("provisional") or [False] * len(labels))
    fig = Figure(figsize=SIZE_IN, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.07, 0.24, 0.9, 0.62))
    x = list(range(len(labels)))

    # Provisional months: a grey band behind the data, named in the legend.
    for i, p in enumerate(provisional):
        if p:
            band = ax.axvspan(i - 0.5, i + 0.5, facecolor="#000000", alpha=0.07,
                              edgecolor="none", zorder=0)
            band.set_gid(f"provisional-{labels[i]}")
    handles: list[Any] = []
    if chart.kind == "stacked":
        bottom = [0.0] * len(labels)
        for i, d in enumerate(data["datasets"]):
            values = _values(d["data"])
            bars = ax.bar(x, values, bottom=bottom, width=0.8, color=_colour(d["key"], i),
                          hatch=HATCHES[i % len(HATCHES)], edgecolor="white", linewidth=0.3,
                          label=_text(str(d["label"])), zorder=2)
            for j, bar in enumerate(bars):
                if provisional[j]:
                    bar.set_alpha(0.45)  # lighter, as on the page
            bottom = [b + (0.0 if math.isnan(v) else v) for b, v in zip(bottom, values,
                                                                     strict=True)]
    else:
        last = len(data["datasets"]) - 1
        for i, d in enumerate(data["datasets"]):
            colour = ("#b03a2e" if i == last else SERIES[i % len(SERIES)]) \
                if chart.kind == "yoy" else _colour(d["key"], i)
            values = _values(d["data"])
            ax.plot(x, values, color=colour, linewidth=2.2 if i == last or chart.kind != "yoy"
                    else 1.4, marker="o" if chart.kind == "yoy" else None, markersize=3,
                    label=_text(str(d["label"])), zorder=3)
            # Provisional points are hollow: the value may still grow.
            px = [j for j in x if provisional[j] and not math.isnan(values[j])]
            ax.plot(px, [values[j] for j in px], linestyle="none", marker="o", markersize=4,
                    markerfacecolor="white", markeredgecolor=colour, zorder=4)
    if any(provisional):
        handles.append(Patch(facecolor="#000000", alpha=0.12, label=_(
            "provisional month: the courts are still publishing it")))

    step = max(1, math.ceil(len(labels) / 12))
    ax.set_xticks(x[::step], [_text(str(v)) for v in labels[::step]])
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylim(bottom=0)
    # The axis in the chart's language: 0,4 and 1 000 in Russian, 0.4 and 1,000 in English.
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
    if chart.kind in ("stacked", "yoy"):  # counts of cases
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#d5d8dc", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors="#222222")
    own, names = ax.get_legend_handles_labels()
    ax.legend(own + handles, names + [h.get_label() for h in handles], loc="upper center",
              bbox_to_anchor=(0.5, -0.09), ncol=min(4, len(own) + len(handles)),
              frameon=False, fontsize=8)
    fig.text(0.07, 0.95, _text(chart.title), fontsize=12, fontweight="bold", va="top",
             color="#111111")
    if subtitle:
        fig.text(0.07, 0.905, _text(subtitle), fontsize=9, va="top", color="#333333")
    fig.text(0.07, 0.02, _text(source_line(as_of)), fontsize=8, color="#333333",
             gid="source-line")
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=PNG_DPI, facecolor="white",
                metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()
