file(REMOVE_RECURSE
  "CMakeFiles/mimamori.dir/src/main.c.o"
  "CMakeFiles/mimamori.dir/src/main.c.o.d"
  "mimamori"
  "mimamori.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/mimamori.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
