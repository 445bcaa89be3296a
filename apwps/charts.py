"""Geometry for small server-drawn charts (SVG templates place what is computed here): a ranked
horizontal bar chart and a strip that shows where one value sits among many, each optionally with a
reference line (a norm that values are measured against).

Kept free of markup so the numbers can be tested; the templates only draw them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


def fmt(value: Decimal | float) -> str:
    """A value as people read it: about three significant digits (one decimal from 10 to 1,000, so
    that a ratio such as 105.6 stays apart from a norm of 105), no trailing zeros."""
    number = float(value)
    if number == 0:
        return "0"
    if abs(number) >= 1000:
        text = f"{number:,.0f}"
    elif abs(number) >= 10:
        text = f"{number:.1f}"
    else:
        text = f"{number:.3g}" if abs(number) >= 0.001 else f"{number:.2e}"
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) dividing `span` into about `ticks` parts."""
    raw = span / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power


def axis(values: Sequence[Decimal | float]) -> tuple[float, float, float]:
    """The axis (start, end, step) for `values`: from zero, unless the values sit in a narrow band
    far from zero (then from a round number just below them, which the chart states)."""
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(numbers), max(numbers)
    if high <= 0:
        high = 1.0 if low >= 0 else 0.0
    start = min(0.0, low)
    if low > 0 and (high - low) < 0.25 * high:
        step = nice_step(high - low)
        start = math.floor(low / step) * step
    step = nice_step(high - start)
    end = math.ceil(high / step) * step if high > 0 else 0.0
    return start, end if end > start else start + step, step


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    href: str
    y: float
    x: float
    width: float
    group: int  # index into the chart's legend (a colour), -1 for none
    highlight: bool
    note: str  # a marker after the value, e.g. "imputed"


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class Reference:
    """A vertical line at a value the chart is read against (such as a norm), with its label."""

    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    label_width: int
    plot_width: int
    top: int
    bar_height: int
    start_text: str  # the axis start when it is not zero, else ""
    legend: tuple[str, ...]
    caption: str = ""  # a line above the axis, such as which way is better
    reference: Reference | None = None


@dataclass(frozen=True)
class Item:
    """One bar to draw."""

    label: str
    value: Decimal | float
    href: str = ""
    group: str = ""
    highlight: bool = False
    note: str = ""


def bar_chart(
    items: Sequence[Item],
    *,
    caption: str = "",
    reference: tuple[Decimal | float, str] | None = None,
    width: int = 760,
    label_width: int = 210,
    value_width: int = 90,
    bar_height: int = 14,
    gap: int = 4,
) -> BarChart:
    """Horizontal bars in the given order, scaled on a shared axis with round ticks; `caption` is
    written above the axis, and `reference` (value, label) drawn as a line across the bars (the
    axis is stretched to include it)."""
    values: list[Decimal | float] = [i.value for i in items]
    start, end, step = axis([*values, reference[0]] if reference else values)
    plot_width = width - label_width - value_width
    top = 24 + (16 if caption else 0) + (14 if reference else 0)

    def scale(value: float) -> float:
        return label_width + (value - start) / (end - start) * plot_width

    legend = tuple(dict.fromkeys(i.group for i in items if i.group))
    zero = scale(max(start, 0.0))
    bars = []
    for index, item in enumerate(items):
        right = scale(float(item.value))
        bars.append(
            Bar(
                label=item.label,
                value_text=fmt(item.value),
                href=item.href,
                y=top + index * (bar_height + gap),
                x=round(min(zero, right), 2),
                width=round(max(abs(right - zero), 0.5), 2),
                group=legend.index(item.group) if item.group else -1,
                highlight=item.highlight,
                note=item.note,
            )
        )
    ticks = []
    count = round((end - start) / step)
    for k in range(count + 1):
        value = start + k * step
        ticks.append(Tick(round(scale(value), 2), fmt(round(value, 10))))
    height = top + len(items) * (bar_height + gap) + 8
    line = Reference(round(scale(float(reference[0])), 2), reference[1]) if reference else None
    return BarChart(
        width,
        height,
        tuple(bars),
        tuple(ticks),
        label_width,
        plot_width,
        top,
        bar_height,
        fmt(start) if start > 0 else "",
        legend,
        caption,
        line,
    )


@dataclass(frozen=True)
class Strip:
    """All values as thin marks on one line, one of them highlighted."""

    width: int
    height: int
    marks: tuple[float, ...]
    mark: float | None
    low_text: str
    high_text: str
    reference: float | None = None  # where a norm sits on the line, if it lies within the values


def strip(
    values: Sequence[Decimal | float],
    highlight: Decimal | float | None,
    *,
    reference: Decimal | float | None = None,
    width: int = 220,
    height: int = 18,
) -> Strip:
    """Where `highlight` sits among `values`, on an axis from the lowest to the highest value, and
    where `reference` (a norm) sits when it lies within them."""
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(numbers), max(numbers)
    span = high - low or 1.0
    pad = 4

    def place(value: float) -> float:
        return round(pad + (value - low) / span * (width - 2 * pad), 2)

    marks = tuple(sorted({place(v) for v in numbers}))
    mark = place(float(highlight)) if highlight is not None else None
    line = None
    if reference is not None and low <= float(reference) <= high:
        line = place(float(reference))
    return Strip(width, height, marks, mark, fmt(low), fmt(high), line)
