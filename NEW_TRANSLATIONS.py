# ruff: noqa
{
    "Too many failed sign-ins from this address. Wait a few minutes, then try again.": "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng đợi vài phút rồi thử lại.",
    "Sign-in refused: too many failures from this address": "Từ chối đăng nhập: quá nhiều lần sai từ địa chỉ này",
}
