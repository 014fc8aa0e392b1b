"""Charts of the dashboard as PNG images, drawn by matplotlib on the server (no script, no
CDN); each chart's data is also on the page as a table for screen readers."""

import io

import matplotlib
from matplotlib.figure import Figure

from factcheck.dashboard import Series

matplotlib.use("Agg")  # no display: figures are drawn straight to PNG

# Colour-blind-safe palette (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BARS = ("overdue", "ratings")


def png(name: str, data: Series) -> bytes:
    figure = Figure(figsize=(7.5, 3.2), dpi=100)
    axes = figure.subplots()
    if not data.labels or not data.values:
        axes.text(0.5, 0.5, "No data in this range", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    elif name in BARS:
        label, values = next(iter(data.values.items()))
        axes.bar(data.labels, values, color=PALETTE[0], label=label)
        axes.tick_params(axis="x", labelrotation=30)
    else:
        for i, (label, values) in enumerate(data.values.items()):
            axes.plot(data.labels, values, marker="o", color=PALETTE[i % len(PALETTE)], label=label)
        axes.legend(fontsize="small", ncols=2)
        step = max(1, len(data.labels) // 8)
        axes.set_xticks(range(0, len(data.labels), step), data.labels[::step], rotation=30, fontsize="small")
    axes.set_title(data.title, fontsize="medium")
    if data.labels:
        axes.set_ylabel(data.unit)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
