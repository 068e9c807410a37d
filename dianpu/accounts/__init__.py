"""accounts: staff roles, their permissions, API tokens, and staff sign-in security.

The role -> permission table is data in `accounts/domain/roles.py`; `services.sync_roles` turns
it into Django groups after every migrate. Console views and API endpoints both ask
`user.has_perm(...)`, so what a role may not do it cannot do anywhere.
API tokens carry scopes (`<area>:read|write`, `domain/scopes.py`) checked for every operation in
one place (`auth.scope_guard` + `auth.StaffToken`) and an optional expiry.
Sign-in security (`signin.py`): two-factor (TOTP, `domain/totp.py`) with recovery codes, the
shop's two-factor rule, sign-in sessions; `password_reset.py`: staff reset by e-mail.
Public services: sync_roles, set_user_roles, create_api_token, check_token, authenticate_token,
revoke_api_token; signin.*; password_reset.request_reset.
Imports core and audit only.
"""
