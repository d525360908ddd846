file(REMOVE_RECURSE
  "CMakeFiles/mm_core.dir/src/config/yaml.c.o"
  "CMakeFiles/mm_core.dir/src/config/yaml.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/buf.c.o"
  "CMakeFiles/mm_core.dir/src/core/buf.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/diag.c.o"
  "CMakeFiles/mm_core.dir/src/core/diag.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/err.c.o"
  "CMakeFiles/mm_core.dir/src/core/err.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/event.c.o"
  "CMakeFiles/mm_core.dir/src/core/event.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/log.c.o"
  "CMakeFiles/mm_core.dir/src/core/log.c.o.d"
  "CMakeFiles/mm_core.dir/src/core/net.c.o"
  "CMakeFiles/mm_core.dir/src/core/net.c.o.d"
  "libmm_core.a"
  "libmm_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mm_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
