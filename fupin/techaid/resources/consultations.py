"""Resources (core/resources.py) of the consultations part."""
