file(REMOVE_RECURSE
  "libmm_ingest.a"
)
