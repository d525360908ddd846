file(REMOVE_RECURSE
  "libmm_core.a"
)
