(derivation { name = "a"; builder = "b"; system = "x"; outputHash = "1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; }).drvPath
