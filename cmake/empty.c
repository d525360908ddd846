/* empty.c - stands in for a module with no sources yet (see CMakeLists.txt). */
typedef int mm_empty_module;
