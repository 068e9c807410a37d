"""The designer's desk (美工需求) and the main-image A/B test.

Owns design briefs (product, image kinds and sizes, references, copy points, due date, designer),
their drafts (checked on upload: type, pixel size, ratio, file weight, white background), comments,
and main-image experiments (visitors split stably by their first-party visitor id, click-through
per image from analytics' tracking events, a two-proportion z-test).

Public services: create_brief, upload_draft, comment_on_brief, act_on_brief, apply_brief_images,
start_experiment, stop_experiment, apply_experiment_winner.
Uses catalog (products, their images through catalog.services), analytics (tracking events, read
only), audit and accounts. Nothing imports it but the edges (console, API, the storefront tag).
"""
