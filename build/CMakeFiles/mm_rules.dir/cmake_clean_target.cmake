file(REMOVE_RECURSE
  "libmm_rules.a"
)
