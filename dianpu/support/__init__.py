"""Customer service desk (客服): conversations (tickets) from the storefront's live chat, e-mail and
the bot's hand-over, their messages, internal notes and image attachments; assignment by hand and
round-robin among agents on duty; SLA timers (first response, resolution) per priority; canned
replies (话术库); complaints by cause.

Public services: open_conversation, post_visitor_message, post_agent_reply, add_internal_note,
assign_conversation, change_status, set_tags, hand_over_from_bot, set_on_duty, receive_inbound_email,
create_canned_reply, use_canned_reply, classify_complaint.
Uses customers, orders, catalog (foreign keys and look-ups), audit and messaging; nothing imports it
but edges (the knowledge app's bot calls `hand_over_from_bot` lazily).
"""
