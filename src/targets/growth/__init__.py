"""Growth: forecast distributions of the series a goal is measured on.

A driver (:mod:`targets.growth.drivers`) turns one series' published rows into
sample totals over any interval, with the engine, growth curves, a regime
model (:mod:`~targets.growth.regimefit`) or the reference class of analog
platforms (:mod:`~targets.growth.reference`).
"""
