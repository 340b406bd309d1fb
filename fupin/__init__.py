"""Fupin — management platform for employment and technology poverty alleviation."""
