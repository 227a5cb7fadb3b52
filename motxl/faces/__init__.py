"""The faces over the core: the command line, the Excel macros, the batch reports."""
