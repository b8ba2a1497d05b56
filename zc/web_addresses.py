"""What `make up` prints last: the web front end's address and a sign-in for each demo role
(the development identity provider's accounts, identity/accounts.json)."""
from __future__ import annotations

from identity.accounts import load_accounts
from web.labels import role
from plumbing.settings import service_url


def main() -> None:
    print(f"\n网页 / web front end: {service_url('web')}/")
    print("登录 / sign in (development identity provider):")
    for account in load_accounts().values():
        where = f" {account.org}" if account.org else ""
        print(f"  {role(account.role.value)}（{account.role.value}{where}）: {account.username} / {account.password}")


if __name__ == "__main__":
    main()
