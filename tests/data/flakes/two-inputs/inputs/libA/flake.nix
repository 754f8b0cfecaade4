{
  description = "libA: greetings";

  outputs = { self }: {
    lib.greet = name: "hello, ${name}";
  };
}
