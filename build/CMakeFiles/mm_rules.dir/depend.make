# Empty dependencies file for mm_rules.
# This may be replaced when dependencies are built.
