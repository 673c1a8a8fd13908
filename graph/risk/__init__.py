"""Risk analyses: pure functions over the store's networkx view."""
