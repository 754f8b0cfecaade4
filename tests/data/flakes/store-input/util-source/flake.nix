{
  description = "util: a locked github input, already in the store";

  outputs = { self }: {
    lib.double = x: x * 2;
  };
}
