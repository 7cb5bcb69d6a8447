"""Counts: how many entities pass a sales threshold.

A size distribution of sales per entity (:mod:`targets.counts.sizes`) fitted to
size evidence (:mod:`~targets.counts.model`), with a count goal's inputs
(:mod:`~targets.counts.inputs`) and results (:mod:`~targets.counts.goal`).
"""
