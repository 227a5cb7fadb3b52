"""Render adapters: draw a ``motxl.presentation.spec.TabSpec`` into a workbook.

Each adapter lives in its own module and imports its library lazily, so importing one adapter
never pulls in another's dependencies:

- ``xlsxwriter_file``: into a new workbook file written with XlsxWriter (``motxl refresh``
  splices its sheets into the user's workbook: ``motxl.workbooks.splice``);
- ``xlwings_live``: into the workbook open in Excel (the buttons).
"""
