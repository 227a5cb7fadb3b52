"""motxl report: batch report workbooks, one module per job (see batch.py)."""
