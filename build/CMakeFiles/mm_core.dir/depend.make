# Empty dependencies file for mm_core.
# This may be replaced when dependencies are built.
