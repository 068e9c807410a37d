"""Console pages of fulfillment: shipping methods and rate tables, pick lists and documents, batch
shipping, tracking events, the exceptions queue and the carrier report."""
