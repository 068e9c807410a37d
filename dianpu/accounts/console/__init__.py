"""Console pages for staff and roles (accounts.manage_staff): list, change roles, create a staff user."""
