"""accounts: staff roles, their permissions, and API tokens.

The role -> permission table is data in `accounts/domain/roles.py`; `services.sync_roles` turns
it into Django groups after every migrate. Console views and API endpoints both ask
`user.has_perm(...)`, so what a role may not do it cannot do anywhere.
Public services: sync_roles, set_user_roles, create_api_token, authenticate_token.
Imports core and audit only.
"""
