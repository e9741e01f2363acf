/* Empty on purpose: libmdnsd's mdnsd.h includes "config.h", which Debian does not ship. */
