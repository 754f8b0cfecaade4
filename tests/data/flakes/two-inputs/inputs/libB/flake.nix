{
  description = "libB: a version";

  outputs = { self }: {
    version = "1.2.3";
  };
}
