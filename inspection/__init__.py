"""The domain. Plain async functions over `models`; the caller owns the transaction."""
