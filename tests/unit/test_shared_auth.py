"""A verified token is remembered until it expires, never past it."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import AuthError, issue_token, read_token

SECRET = "a-test-secret-of-32-characters!!"


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    now = datetime.now(UTC)
    token = issue_token(
        SECRET, "operator", "op-1", now - timedelta(seconds=59), timedelta(minutes=1)
    )
    assert read_token(SECRET, token).subject == "op-1"
    assert read_token(SECRET, token).subject == "op-1"  # from memory
    time.sleep(max(0.0, now.timestamp() + 1.1 - time.time()))
    with pytest.raises(AuthError, match="expired"):
        read_token(SECRET, token)


def test_a_token_is_remembered_only_under_the_secret_that_signed_it() -> None:
    token = issue_token(SECRET, "ops", "ops-1", datetime.now(UTC), timedelta(minutes=5))
    assert read_token(SECRET, token).role == "ops"
    with pytest.raises(AuthError, match="invalid"):
        read_token("another-secret-of-32-characters!", token)
