CMakeFiles/mm_core.dir/src/core/err.c.o: /work/main/src/core/err.c \
 /usr/include/stdc-predef.h /work/main/include/mimamori/err.h
