map (t: builtins.hashFile t ../tree/hello.txt) [ "md5" "sha1" "sha256" "sha512" ]
