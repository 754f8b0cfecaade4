builtins.path { path = ../tree; name = "checked";
  sha256 = "1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; }
