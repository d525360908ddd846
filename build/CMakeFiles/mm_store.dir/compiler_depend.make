# Empty compiler generated dependencies file for mm_store.
# This may be replaced when dependencies are built.
