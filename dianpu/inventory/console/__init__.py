"""Console pages for stock: low-stock levels and the stock ledger of one SKU."""
