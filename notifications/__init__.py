"""Outbound: the WeCom client, the outbox worker, message and card builders, notice rendering."""
