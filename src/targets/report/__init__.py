"""Report: what a reader sees.

Tables and charts (:mod:`~targets.report.tables`, :mod:`~targets.report.plots`),
the on-disk store of assessments (:mod:`~targets.report.store`), notebook
rendering to HTML (:mod:`~targets.report.render`), the front page
(:mod:`~targets.report.frontpage`) and output-folder safety
(:mod:`~targets.report.output`).
"""
