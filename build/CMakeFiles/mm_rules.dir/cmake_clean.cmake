file(REMOVE_RECURSE
  "CMakeFiles/mm_rules.dir/cmake/empty.c.o"
  "CMakeFiles/mm_rules.dir/cmake/empty.c.o.d"
  "libmm_rules.a"
  "libmm_rules.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mm_rules.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
