
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/config/yaml.c" "CMakeFiles/mm_core.dir/src/config/yaml.c.o" "gcc" "CMakeFiles/mm_core.dir/src/config/yaml.c.o.d"
  "/work/main/src/core/buf.c" "CMakeFiles/mm_core.dir/src/core/buf.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/buf.c.o.d"
  "/work/main/src/core/diag.c" "CMakeFiles/mm_core.dir/src/core/diag.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/diag.c.o.d"
  "/work/main/src/core/err.c" "CMakeFiles/mm_core.dir/src/core/err.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/err.c.o.d"
  "/work/main/src/core/event.c" "CMakeFiles/mm_core.dir/src/core/event.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/event.c.o.d"
  "/work/main/src/core/log.c" "CMakeFiles/mm_core.dir/src/core/log.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/log.c.o.d"
  "/work/main/src/core/net.c" "CMakeFiles/mm_core.dir/src/core/net.c.o" "gcc" "CMakeFiles/mm_core.dir/src/core/net.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
