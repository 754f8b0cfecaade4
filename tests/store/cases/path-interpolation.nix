{ tree = "${../tree}"; file = "${../tree/hello.txt}"; exe = "${../tree/run.sh}"; link = "${../tree/link}";
  sub = "${../tree/sub}"; ctx = builtins.getContext "${../tree}/hello.txt"; }
