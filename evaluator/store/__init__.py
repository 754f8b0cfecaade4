"""Store-path arithmetic without a store.

Everything C++ Nix computes when it adds something to its store (NAR
hashes, the store path fingerprints, `.drv` serialisation and the
hashing-modulo rule for derivations), as pure functions: nothing is ever
written. This package does not depend on the rest of the evaluator.
"""
