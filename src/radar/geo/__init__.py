"""Geocoding (offline gazetteer first, online geocoders through geopy when configured) and
distances."""
