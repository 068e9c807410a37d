"""console: the staff shell at /console/ (sign-in, home, navigation, staff and roles, audit log).
Business areas add their own pages in `<app>/console/`, included from console/urls.py. An
edge app: no tables, no business rules; permissions are checked with accounts.decorators.
"""
