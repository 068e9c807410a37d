"""The team's daily operations (团队协作, 每日店铺检查): checklists per role generated each morning
and ticked off with notes, tasks with owners and due dates, the operations calendar (promotions,
new listings, Chinese holidays and shopping festivals, tasks), training documents with read
confirmations, and staff figures (routines done on time, tasks closed).

Public services: generate_routines, tick_routine_item, create_task, close_task, save_training_doc,
confirm_read, save_routine_template.
Uses accounts (roles), catalog and promotions (read for the calendar), audit. Nothing imports it
but the edges.
"""
