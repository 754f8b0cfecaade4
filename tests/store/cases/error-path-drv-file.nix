"${../tree/x.drv}"
