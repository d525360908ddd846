file(REMOVE_RECURSE
  "libmm_parse.a"
)
