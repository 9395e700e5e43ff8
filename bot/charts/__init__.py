"""Trend charts as PNG images, from plain data: what a KPI's values look like over time.

``spec`` holds the data a chart is drawn from (plain, picklable, hashable), ``render`` draws it with matplotlib's
Agg backend, and ``renderer`` runs the drawing in a worker process with a cache. Importing this package does not
import matplotlib: only the process that draws pays for it.
"""

from bot.charts.spec import ChartLabels, TargetRevision, TrendChart, babel_locale

__all__ = ["ChartLabels", "TargetRevision", "TrendChart", "babel_locale"]
