"""motxl: validate, roll up and report on the MOT work programme, in Excel or headless."""

__version__ = "0.1.0"
