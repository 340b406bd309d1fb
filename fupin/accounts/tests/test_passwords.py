import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from fupin.accounts.models import User


@pytest.mark.parametrize("password, message", [
    ("Ab1!short", "太短"),                # 9 characters
    ("abcdefghijkl", "只由一类字符"),      # one class
    ("123456789012", "只由一类字符"),
    ("zhangsan@2017X", "不能包含用户名"),
])
def test_password_policy_refuses(password, message):
    user = User(username="zhangsan")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        validate_password(password, user)
    assert any(message in m for m in err.value.messages), err.value.messages


@pytest.mark.parametrize("password", ["Guangyuan@2017", "liZhou2017xyz", "旺苍县2017年扶贫"])
def test_password_policy_accepts(password):
    validate_password(password, User(username="zhangsan"))
