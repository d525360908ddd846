file(REMOVE_RECURSE
  "CMakeFiles/mm_parse.dir/cmake/empty.c.o"
  "CMakeFiles/mm_parse.dir/cmake/empty.c.o.d"
  "libmm_parse.a"
  "libmm_parse.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mm_parse.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
