"""New passwords are checked against zxcvbn's offline lists of common passwords,
words, names and patterns, with a message the clerk can act on."""

from __future__ import annotations

import pytest

from bot.users import UserError, check_password_strength, generate_password

COMMON = ["password1234", "qwertyuiop123", "iloveyou12345", "letmein123456", "1234567890123", "passwordpassword",
          "monkey123456"]


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_with_a_clear_message(password: str) -> None:
    with pytest.raises(UserError, match="too easy to guess") as err:
        check_password_strength(password, "jo")
    assert "three or four unrelated words" in str(err.value)


def test_the_council_name_does_not_make_a_password() -> None:
    check_password_strength("Thornbury2024!", "jo")  # fine elsewhere...
    with pytest.raises(UserError, match="too easy to guess"):
        check_password_strength("Thornbury2024!", "jo", "Thornbury Town Council")  # ...not at Thornbury


@pytest.mark.parametrize("password", ["correct horse battery staple 42", "tea kettle under violet moon"])
def test_unrelated_words_are_accepted(password: str) -> None:
    check_password_strength(password, "jo", "Thornbury Town Council")


def test_generated_passwords_pass() -> None:
    for _ in range(100):  # "jo" turns up in about 1 in 25 random passwords: they are made again
        check_password_strength(generate_password("jo"), "jo", "Thornbury Town Council")


def test_length_and_name_rules_still_apply() -> None:
    with pytest.raises(UserError, match="at least 12"):
        check_password_strength("short", "jo")
    with pytest.raises(UserError, match="user name"):
        check_password_strength("joanna-keeps-bees-42", "joanna")


def test_user_names_cannot_hide_direction_controls() -> None:
    from bot.users import create_user

    with pytest.raises(UserError, match="invisible"):
        create_user(None, "jo\u202eevil", "clerk")  # type: ignore[arg-type]  # refused before any database work
