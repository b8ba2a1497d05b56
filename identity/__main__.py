"""`python -m identity provider | tokens`."""
import sys

if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which == "provider":
        from identity.provider import main
    elif which == "tokens":
        from identity.tokens import main
    else:
        raise SystemExit("usage: python -m identity provider|tokens")
    main()
