"""The edges: HTTP (errors, guards, in-flight bounds, strict inputs), security (tokens, roles, rate
limits), metrics, and Kafka's clients and administration (credentials, ACLs, topics, lag)."""
