"""Resources (core/resources.py) of the prescriptions part."""
