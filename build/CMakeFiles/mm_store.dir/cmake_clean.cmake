file(REMOVE_RECURSE
  "CMakeFiles/mm_store.dir/cmake/empty.c.o"
  "CMakeFiles/mm_store.dir/cmake/empty.c.o.d"
  "libmm_store.a"
  "libmm_store.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mm_store.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
