# Empty dependencies file for mimamori.
# This may be replaced when dependencies are built.
