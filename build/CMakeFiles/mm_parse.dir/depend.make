# Empty dependencies file for mm_parse.
# This may be replaced when dependencies are built.
