# Empty dependencies file for unit_core_test_buf.
# This may be replaced when dependencies are built.
