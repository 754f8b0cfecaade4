# An overlay: every overlay takes `final: prev:`, whether or not it uses both.
final: prev: {
  hello-sample = prev.callPackage ./package.nix { };

  python3 = prev.python3.override {
    packageOverrides = pyFinal: pyPrev: {
      requests = pyPrev.requests.overridePythonAttrs (old: {
        doCheck = false;
      });
    };
  };

  greeting = prev.writeText "greeting" "hello";
}
