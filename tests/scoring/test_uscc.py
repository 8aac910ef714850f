"""GB 32100-2015 credit codes: real codes, hand-worked sums, corruptions, messages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.uscc import (
    CHARSET,
    check_char,
    is_valid_uscc,
    make_uscc,
    make_usccs,
    org_code_check,
    validate_uscc,
)

# Published codes of real enterprises (business licences / annual reports / register look-ups).
# Each was also checked by hand against the GB 32100 and GB 11714 sums, independently of the code.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司 (organization-code check digit X)
    "91330100716105852F",  # 阿里巴巴(中国)有限公司
    "91420100568359390C",  # 武汉光庭信息技术股份有限公司
    "91110000100010433L",  # a Beijing-registered state-owned company, widely cited as an example
    "91512081MA62K0260E",  # the worked example of many GB 32100 tutorials (new-style MA code)
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert validate_uscc(code) == code
    assert check_char(code[:17]) == code[17]
    # Their embedded organization codes satisfy GB 11714 too.
    assert org_code_check(code[8:16]) == code[16]


def test_weights_are_powers_of_three_mod_31() -> None:
    from scoring.uscc import _WEIGHTS

    assert _WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


def test_hand_worked_check_character() -> None:
    # 9 1 5 1 2 0 8 1 M(21) A(10) 6 2 K(19) 0 2 6 0 times the weights:
    # 9+3+45+27+38+0+128+17+420+290+150+26+152+0+20+180+0 = 1505; 1505 mod 31 = 17; 31-17 = 14 = E.
    products = [9, 3, 45, 27, 38, 0, 128, 17, 420, 290, 150, 26, 152, 0, 20, 180, 0]
    assert sum(products) == 1505 and 31 - 1505 % 31 == 14 and CHARSET[14] == "E"
    assert check_char("91512081MA62K0260") == "E"


def test_hand_worked_organization_code() -> None:
    # 5×3+9×7+4×9+6×10+7×5+2×8+3×4+9×2 = 255; 255 mod 11 = 2; 11-2 = 9.
    assert org_code_check("59467239") == "9"
    # Tencent's 71526726: 21+7+45+20+30+56+8+12 = 199; 199 mod 11 = 1; 11-1 = 10 → X.
    assert org_code_check("71526726") == "X"


def test_check_value_31_maps_to_zero() -> None:
    # Find a prefix whose weighted sum is a multiple of 31: its check character must be '0'.
    rng = np.random.default_rng(3)
    for _ in range(2000):
        code = make_uscc(rng)
        if code[17] == "0":
            assert check_char(code[:17]) == "0"
            return
    pytest.fail("no code with check character 0 in 2000 draws")


def test_normalization() -> None:
    assert validate_uscc(" 91512081ma62k0260e\n") == "91512081MA62K0260E"
    assert validate_uscc("９１５１２０８１ＭＡ６２Ｋ０２６０Ｅ") == "91512081MA62K0260E"
    assert validate_uscc("9151 2081 MA62 K026 0E") == "91512081MA62K0260E"


@pytest.mark.parametrize(
    ("code", "fragments"),
    [
        ("9151208", ["应为18位", "实际为7位"]),
        ("91512081MA62K0260EE", ["应为18位", "实际为19位"]),
        ("", ["应为18位", "实际为0位"]),
        ("91512081MA62K0I60E", ["第15位", "非法字符“I”", "不使用 I、O、Z、S、V"]),
        ("91512081MA62K0260O", ["第18位", "非法字符“O”"]),
        ("9151208#MA62K0260E", ["第8位", "非法字符“#”"]),
        ("91512081MA62K0260F", ["校验码错误", "应为“E”", "实际为“F”"]),
    ],
)
def test_error_messages(code: str, fragments: list[str]) -> None:
    with pytest.raises(ValueError) as info:
        validate_uscc(code)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert not is_valid_uscc(code)


def test_non_string_is_invalid() -> None:
    assert not is_valid_uscc(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate_uscc(91512081)  # type: ignore[arg-type]


@given(seed=st.integers(0, 2**32 - 1), ma=st.booleans())
def test_make_uscc_is_valid(seed: int, ma: bool) -> None:
    code = make_uscc(np.random.default_rng(seed), region="320400", ma=ma)
    assert is_valid_uscc(code)
    assert code.startswith("91320400")
    assert org_code_check(code[8:16]) == code[16]
    assert code[8:10] == "MA" if ma else code[8:16].isdigit()


@given(
    seed=st.integers(0, 2**32 - 1),
    position=st.integers(0, 17),
    replacement=st.characters(codec="ascii", exclude_characters=" \t\n\r\x0b\x0c"),
)
def test_every_single_character_corruption_is_detected(
    seed: int, position: int, replacement: str
) -> None:
    code = make_uscc(np.random.default_rng(seed))
    corrupted = code[:position] + replacement + code[position + 1 :]
    if corrupted.upper() == code:
        return  # the same character (or its lower case) is no corruption
    assert not is_valid_uscc(corrupted)


@pytest.mark.parametrize("code", REAL_CODES)
def test_exhaustive_substitutions_of_real_codes(code: str) -> None:
    for position in range(18):
        for char in CHARSET + "IOZSV":
            if char != code[position]:
                assert not is_valid_uscc(code[:position] + char + code[position + 1 :])


def test_make_usccs_vectorized_matches_scalar_rules() -> None:
    rng = np.random.default_rng(7)
    ma = rng.random(5000) < 0.5
    codes = make_usccs(rng, 5000, region=["320411", "320400"] * 2500, ma=ma)
    assert len(set(codes)) == 5000
    assert all(is_valid_uscc(c) and org_code_check(c[8:16]) == c[16] for c in codes)
    assert all((c[8:10] == "MA") == m for c, m in zip(codes, ma, strict=True))
    assert codes[0].startswith("91320411") and codes[1].startswith("91320400")


def test_make_usccs_is_deterministic() -> None:
    a = make_usccs(np.random.default_rng(11), 1000)
    b = make_usccs(np.random.default_rng(11), 1000)
    assert a == b
