file(REMOVE_RECURSE
  "CMakeFiles/mm_ingest.dir/cmake/empty.c.o"
  "CMakeFiles/mm_ingest.dir/cmake/empty.c.o.d"
  "libmm_ingest.a"
  "libmm_ingest.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mm_ingest.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
