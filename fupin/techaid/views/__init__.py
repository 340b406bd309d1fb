"""The module's pages, one file per part: catalog (industries, experts, groups, technicians,
poor villages), consultations, prescriptions (missions, coverage), pairing (pairings, service
visits), figures (ranking)."""
