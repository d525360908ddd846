CMakeFiles/mm_ingest.dir/cmake/empty.c.o: /work/main/cmake/empty.c \
 /usr/include/stdc-predef.h
