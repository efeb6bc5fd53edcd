"""Outbound WeCom (企业微信): the API client, per-member rate limits and the outbox topics."""
