"""Places: the GeoNames gazetteer, a geopy-contract geocoder over it, toponym recognition and ranking."""
