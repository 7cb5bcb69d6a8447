"""Sources: the published data as it was known at a date.

The only layer that reads files. A data folder holds one CSV per data set
(discovered from the files), ``assumptions.csv`` (dated modelling constants) and
a goal registry (``goals.yaml``). :class:`targets.sources.vintage.Vintage`
holds what was published by an as-of date; everything below receives rows and
assumptions from it.
"""
