"""messaging: customer notifications (e-mail) from editable bilingual templates.

Owns NotificationTemplate (subject + body per kind per language; the defaults in
domain/defaults.py apply until staff edit one). Public services: render_notification,
send_notification, save_template, reset_template. Queries: list_templates, get_template_text,
preview_context. A platform app: it imports no business app; callers pass plain-data contexts.
"""
