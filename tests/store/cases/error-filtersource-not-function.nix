builtins.filterSource true ../tree
