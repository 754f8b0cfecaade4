# An overlay as users write them: change a package, add one.
final: prev: {
  hello = prev.hello.override { greeting = "Hi from an overlay"; };

  greeting = final.writeText "greeting" "${final.hello.greeting} (${final.hello.name})";
}
