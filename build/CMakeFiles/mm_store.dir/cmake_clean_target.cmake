file(REMOVE_RECURSE
  "libmm_store.a"
)
