"""`molecule check` (--check --diff after converge) changed nothing."""

from testlib import assert_check_changed_nothing


def test_check_mode_after_converge_changes_nothing():
    assert_check_changed_nothing()
