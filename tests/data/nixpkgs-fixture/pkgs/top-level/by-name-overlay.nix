# Every `pkgs/by-name/<shard>/<name>/package.nix` becomes `callPackage`d
# attribute `<name>`, as nixpkgs' own by-name overlay does.
baseDirectory:
let
  shards = builtins.attrNames (builtins.readDir baseDirectory);
  namesIn = shard: builtins.attrNames (builtins.readDir (baseDirectory + "/${shard}"));
  entry = shard: name: {
    inherit name;
    value = baseDirectory + "/${shard}/${name}/package.nix";
  };
  files = builtins.listToAttrs (
    builtins.concatMap (shard: map (entry shard) (namesIn shard)) shards
  );
in
final: prev: builtins.mapAttrs (_name: file: final.callPackage file { }) files
