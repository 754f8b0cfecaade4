# Files placed in the home directory: an attribute set of submodules, one per
# file, named by the path relative to the home directory.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  file = types.submodule (
    { name, config, ... }:
    {
      options = {
        enable = mkOption {
          type = types.bool;
          default = true;
          description = "Whether the file is placed.";
        };
        target = mkOption {
          type = types.str;
          default = name;
          defaultText = lib.literalExpression "<name>";
          description = "Path of the file, relative to the home directory.";
        };
        text = mkOption {
          type = types.nullOr types.lines;
          default = null;
          description = "Contents of the file, when given as text.";
        };
        source = mkOption {
          type = types.nullOr types.path;
          default = null;
          description = "A file or folder to link, when no text is given.";
        };
        executable = mkOption {
          type = types.nullOr types.bool;
          default = null;
          description = "Whether the file is executable; `null` keeps the source's mode.";
        };
      };
    }
  );
in
{
  options.home.file = mkOption {
    type = types.attrsOf file;
    default = { };
    example = lib.literalExpression ''{ ".profile".text = "umask 022"; }'';
    description = "Files to place in the home directory.";
  };
}
