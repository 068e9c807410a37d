"""Console pages for products: list, create, edit (prices, stock, status by permission), images, delete."""
