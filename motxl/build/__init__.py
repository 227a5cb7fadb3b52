"""Build-time writers: the source-only VBA project (``vbaProject.bin``) and its containers."""
