let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHash = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="; };
in { inherit (d) drvPath outPath; }
