"""Inbound WeCom: the callback endpoint, decryption, de-duplication and chat commands."""
