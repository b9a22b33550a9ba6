# ruff: noqa
{
    "Too many failed sign-ins from this address. Wait a few minutes, then try again.": "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng đợi vài phút rồi thử lại.",
    "Sign-in refused: too many failures from this address": "Từ chối đăng nhập: quá nhiều lần sai từ địa chỉ này",
    "Opened, this workbook would take more than %(mb)d MB: it was refused unread (a damaged or malicious file). Save it again, or as CSV UTF-8; nothing was imported.": "Khi mở ra, sổ tính này sẽ chiếm hơn %(mb)d MB nên bị từ chối mà không đọc (tệp hỏng hoặc độc hại). Hãy lưu lại tệp, hoặc lưu dưới dạng CSV UTF-8; chưa có dữ liệu nào được nhập.",
    "The file has %(n)d columns, more than the %(max)d a file of this system can have; nothing was imported.": "Tệp có %(n)d cột, nhiều hơn mức %(max)d cột mà tệp của hệ thống này có thể có; chưa có dữ liệu nào được nhập.",
    "The file is in the legacy Vietnamese encoding Windows-1258 (or another one that is not UTF-8). Save it as CSV UTF-8 or XLSX; nothing was imported.": "Tệp dùng bảng mã tiếng Việt cũ Windows-1258 (hoặc một bảng mã khác không phải UTF-8). Hãy lưu lại dưới dạng CSV UTF-8 hoặc XLSX; chưa có dữ liệu nào được nhập.",
    "This file is not an XLSX workbook.": "Tệp này không phải là sổ tính XLSX.",
    "Opened, this workbook would take more than %(mb)d MB: it was refused unread (a damaged or malicious file).": "Khi mở ra, sổ tính này sẽ chiếm hơn %(mb)d MB nên bị từ chối mà không đọc (tệp hỏng hoặc độc hại).",
}
