"""Pure rules of channels (no Django)."""
