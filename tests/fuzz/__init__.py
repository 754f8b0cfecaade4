"""Grammar-aware fuzzing of the parser, incremental analysis and evaluator.

``python -m tests.fuzz --cases 100000`` runs a long campaign (see
:mod:`tests.fuzz.__main__`); ``tests/fuzz/test_fuzz.py`` runs a bounded one
in the suite.
"""
