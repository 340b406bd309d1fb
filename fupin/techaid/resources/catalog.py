"""Resources (core/resources.py) of the catalog part."""
