"""Resources (core/resources.py) of the figures part."""
