from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from fupin.areas.selectors import area_full_name

from .authentication import token_lifetime
from .selectors import client_ip, login_locked
from .services import token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    """POST {"username", "password"} → {"token", "expires"}: use it as
    `Authorization: Token <token>` until it expires (FUPIN_API_TOKEN_HOURS), then ask again.
    The same lockout and login audit as the login page."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    throttle_scope = "token"

    def get_throttles(self):
        return []  # lockout (per account and per IP) is the brake

    @extend_schema(request=TokenRequestSerializer,
                   responses=inline_serializer("Token", {"token": serializers.CharField(),
                                                          "expires": serializers.DateTimeField()}))
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(request._request, username=username,
                            password=data.validated_data["password"])
        if user is None:
            if login_locked(username=username, ip=client_ip(request._request)):
                msg = _("登录失败次数过多，已锁定 15 分钟，请稍后再试。")
            else:
                msg = _("用户名或密码不正确。")
            return Response({"detail": msg}, status=status.HTTP_400_BAD_REQUEST)
        from .middleware import must_change, must_change_message

        if must_change(user):  # a token would be refused at every call: say why now
            return Response({"detail": must_change_message(),
                             "code": "password_change_required"},
                            status=status.HTTP_403_FORBIDDEN)
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token = token_issue(user=user)
        return Response({"token": token.key, "expires": token.created + token_lifetime()})


class MeView(APIView):
    @extend_schema(responses=inline_serializer("Me", {
        "username": serializers.CharField(), "full_name": serializers.CharField(),
        "role": serializers.CharField(), "role_label": serializers.CharField(),
        "scope_area_code": serializers.CharField(), "scope_area_name": serializers.CharField(),
    }))
    def get(self, request):
        user = request.user
        return Response({
            "username": user.username,
            "full_name": user.display_name,
            "role": user.role,
            "role_label": str(user.get_role_display()),
            "scope_area_code": user.scope_code,
            "scope_area_name": area_full_name(user.scope_code),
        })
