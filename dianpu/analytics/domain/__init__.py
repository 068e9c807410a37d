"""Pure rules of analytics: event kinds and funnel stages, source/device classification, the
bestseller flag rule, RFM segments. No Django, no I/O, no clock."""
