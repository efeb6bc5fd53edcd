"""The staff JSON API used by the WeCom mini-program (`/api/v1/...`)."""
