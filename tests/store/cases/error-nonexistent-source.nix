"${../tree/does-not-exist}"
