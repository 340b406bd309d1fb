"""Resources (core/resources.py) of the pairing part."""
