"""Console pages of channels: import another platform's orders, export tracking numbers back."""
