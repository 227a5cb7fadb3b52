"""Workbook files: reading values safely, saving atomically."""
