"""One parser per sudrf site variant (juriscraper-style).

Every module here declares ``LAYOUT``, the :class:`~docketwatch.sudrf.classify.Layout` it
reads; tests/sudrf/test_discovery.py walks this package and fails for a module without
real example pages under tests/golden/sudrf.
"""
