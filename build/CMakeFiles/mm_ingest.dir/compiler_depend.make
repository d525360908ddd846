# Empty compiler generated dependencies file for mm_ingest.
# This may be replaced when dependencies are built.
