from tests.fieldworld import api, wecom_server, world  # noqa: F401  (fixtures for this folder)
