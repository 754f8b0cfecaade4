[ (builtins.toFile "plain" "hello\n") (builtins.toFile "empty" "") (builtins.toFile "uni.txt" "ünïcödé") ]
