builtins.path { path = ../tree; sha256 = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="; }
