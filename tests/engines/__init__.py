"""The engine-neutrality check (docs/engines.md): a private Virtuoso (`virtuoso`), requests that
show an engine's behaviour (`probes`), and comparing the answers of two stores (`answers`,
`check`). tests/test_engines_virtuoso.py and scripts/virtuoso_check.py both run it."""
