"""GB 32100-2015 unified social credit codes (R9: the employer roster's key)."""

import pytest

from inspection.rosters import uscc


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # the standard's own example
    "914403001922038216",  # published codes of registered enterprises (Shenzhen, Beijing)
    "9144030071526726XG",
    "91110000802100433B",
    uscc.make_uscc("91500102MA5U00001"),  # a Fuling enterprise (region 500102)
    uscc.make_uscc("N2500102MF0000012"),  # village collective economic organisation (N)
    uscc.make_uscc("Y1500102MJ0000013"),  # other authority (Y)
    uscc.make_uscc("12500102MB1234567"),  # public institution (事业单位)
    uscc.make_uscc("51500102MJ9876543"),  # social organisation (社会团体)
])
def test_valid_codes(code):
    assert uscc.problems(code) == []
    assert uscc.is_valid(code)


def test_check_character_computed_by_hand():
    # Weights 3**i mod 31; for the standard's example the sum mod 31 is 28, so 31-28 = 3.
    assert uscc.WEIGHTS[:5] == [1, 3, 9, 27, 19]
    assert uscc.check_char("91350100M000100Y4") == "3"


def test_bad_check_digit_names_the_right_one():
    assert uscc.problems("91350100M000100Y44") == ["校验位错误，应为「3」"]


def test_wrong_length():
    assert uscc.problems("91350100M000100Y4") == ["长度应为18位，实为17位"]


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "a"])
def test_illegal_characters(bad):
    code = "91350100M0" + bad + "0100Y43"
    assert uscc.problems(code) == [f"含非法字符「{bad}」"]


def test_unknown_authority_and_category():
    code = uscc.make_uscc("B1350100M000100Y4")
    assert uscc.problems(code) == ["登记管理部门代码「B」不存在"]
    code = uscc.make_uscc("94350100M000100Y4")
    assert uscc.problems(code) == ["机构类别代码「4」与登记管理部门「9」不符"]
    code = uscc.make_uscc("Y2350100M000100Y4")
    assert uscc.problems(code) == ["机构类别代码「2」与登记管理部门「Y」不符"]


def test_region_must_be_digits():
    code = uscc.make_uscc("9135A100M000100Y4")
    assert uscc.problems(code) == ["第3至8位应为行政区划码（6位数字）"]


def test_normalise_what_users_paste():
    assert uscc.normalise(" ９１３５０１００m000100y43 ") == "91350100M000100Y43"


def test_make_uscc_refuses_bad_prefix():
    with pytest.raises(ValueError):
        uscc.make_uscc("91350100M000100Y")
    with pytest.raises(ValueError):
        uscc.make_uscc("91350100M00010OY4")
