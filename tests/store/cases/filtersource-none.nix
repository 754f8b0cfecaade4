builtins.filterSource (p: t: false) ../tree
