file(REMOVE_RECURSE
  "CMakeFiles/unit_core_test_buf.dir/unit/core/test_buf.c.o"
  "CMakeFiles/unit_core_test_buf.dir/unit/core/test_buf.c.o.d"
  "unit_core_test_buf"
  "unit_core_test_buf.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/unit_core_test_buf.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
