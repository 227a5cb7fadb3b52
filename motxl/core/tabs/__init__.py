"""Output tabs described once, as plain data (TabSpec); render adapters draw them."""
