"""Ordering: the catalogue of ordering shops, carts in the session, checkout and the staff side of an order."""
