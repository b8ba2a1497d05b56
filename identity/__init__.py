"""Who someone is, and what they may do: the development identity provider (`identity.provider`),
the token service that turns a proven identity into a role token (`identity.tokens`), and the
identity port the web front end signs people in through (`identity.port`)."""
