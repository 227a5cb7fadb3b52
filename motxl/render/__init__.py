"""Render adapters: draw a ``motxl.core.tabs.spec.TabSpec`` into a workbook.

Each adapter lives in its own module and imports its library lazily, so importing one adapter
never pulls in another's dependencies:

- ``openpyxl_file``: into a worksheet of an existing workbook file loaded with openpyxl
  (``motxl refresh``);
- ``xlsxwriter_file``: into a new workbook file written with XlsxWriter.
"""
