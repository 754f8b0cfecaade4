{
  inputs.util.url = "github:example/util";

  outputs = { self, util }: {
    answer = util.lib.double 21;
  };
}
