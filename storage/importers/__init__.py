"""Importers of public data into kkini's tables. ``import_merchants`` loads an official meal-card merchant list."""

from storage.importers.merchant_files import MerchantFileError, MerchantFormat, detect_format, read_merchant_file
from storage.importers.merchant_records import MerchantRecord, ParsedMerchants, RowIssue, parse_merchants
from storage.importers.merchants import ImportReport, import_merchants

__all__ = [
    "ImportReport",
    "MerchantFileError",
    "MerchantFormat",
    "MerchantRecord",
    "ParsedMerchants",
    "RowIssue",
    "detect_format",
    "import_merchants",
    "parse_merchants",
    "read_merchant_file",
]
