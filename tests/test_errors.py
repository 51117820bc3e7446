"""Messages are cut after whole words, never mid-word."""

from saas_ctl.errors import shortened


def test_a_short_message_is_left_as_it_is() -> None:
    assert shortened("stack acme failed", 40) == "stack acme failed"


def test_a_long_message_is_cut_after_a_whole_word_with_an_ellipsis() -> None:
    text = "creating EC2 VPC: VpcLimitExceeded: The maximum number of VPCs has been reached."
    assert shortened(text, 40) == "creating EC2 VPC: VpcLimitExceeded: The…"
    assert len(shortened(text, 40)) <= 40


def test_one_long_word_is_cut_where_it_must_be() -> None:
    assert shortened("x" * 50, 10) == "x" * 9 + "…"
