CMakeFiles/mm_rules.dir/cmake/empty.c.o: /work/main/cmake/empty.c \
 /usr/include/stdc-predef.h
