"""The user's project as evaluation sees it (no LSP here, plain data).

- :mod:`.discovery`: which nixpkgs (and search path) the user has, and from where;
- :mod:`.flake_lock`: the inputs of a workspace's ``flake.lock`` on this machine;
- :mod:`.roles`: what a file is (package, module, overlay, flake, function, expression);
- :mod:`.references`: how other workspace files use a file (``callPackage``, ``imports``);
- :mod:`.arguments`: the arguments a file's function really gets, by role (an extension point);
- :mod:`.buffers`: evaluation reading the editor's unsaved buffers, and who imports what;
- :mod:`.forcing`: forcing a file deeply for diagnostics without the closures of its derivations;
- :mod:`.project`: the above tied together for the live evaluator;
- :mod:`.report`: discovery as text (``nixls env``) and JSON (the ``nixls.env`` command).
"""
